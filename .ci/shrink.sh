# The one rule that makes the shipped study files small for the README and docs tests: fewer
# replications per point, state or particle, fewer states, particles and generations, design
# samples capped at 64. Sourced by .ci/readme-test.sh and .ci/docs-test.sh.
# Usage: shrink FILE   (edits FILE in place)
shrink() {
  sed -i -E \
    -e 's/^(reps_per_point|reps_per_state|reps_per_particle)( *)= *[0-9]+/\1\2= 2/' \
    -e 's/^bootstrap( *)= *[0-9]+/bootstrap\1= 50/' \
    -e 's/^states( *)= *[0-9]+/states\1= 24/' \
    -e 's/^particles( *)= *[0-9]+/particles\1= 40/' \
    -e 's/^max_generations( *)= *[0-9]+/max_generations\1= 3/' \
    -e 's/^max_evaluations( *)= *[0-9]+/max_evaluations\1= 400/' \
    "$1"
  if grep -q '^scenario *=' "$1"; then
    awk '/^samples *= *[0-9]+/ { n = $3 + 0; if (n > 64) { sub(/[0-9]+/, "64") } } { print }' \
      "$1" > "$1.tmp" && mv "$1.tmp" "$1"
  fi
}
