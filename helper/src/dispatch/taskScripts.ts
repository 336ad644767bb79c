// The fixed bash scripts that move a task's project in and its work out of the guest as git
// objects only (no host folder is mounted). Arguments arrive quoted ($1…); the bundle that
// carries the project in arrives on stdin, the bundle that carries the work out leaves on stdout.

/** Where task clones live in the guest, under the login user's home. */
export const TASKS_DIR = "nixlima-tasks";

/**
 * Clones the project from a bundle on stdin into ~/nixlima-tasks/$1 and checks out branch $2 at
 * commit $3; prints the clone's path. Commits the agent makes there carry nixlima's agent identity.
 */
export const CLONE_SCRIPT = String.raw`
set -eu
task=$1 branch=$2 base=$3
command -v git > /dev/null || { echo "nixlima: git is not installed in the VM" >&2; exit 94; }
dir="$HOME/${TASKS_DIR}/$task"
state=$(mktemp -d /tmp/nixlima-clone.XXXXXX)
trap 'rm -rf "$state"' EXIT
cat > "$state/project.bundle"
mkdir -p "$HOME/${TASKS_DIR}"
git -c init.defaultBranch=nixlima-base init -q -- "$dir"
cd -- "$dir"
git fetch -q --no-tags "$state/project.bundle" HEAD
git checkout -q -b "$branch" "$base"
git config user.name "nixlima agent"
git config user.email "agent@nixlima.invalid"
pwd
`;

/**
 * Commits whatever the agent left uncommitted in clone $1 (new files too, except the done marker
 * $3 and what .gitignore excludes), then writes a bundle of HEAD's commits since base $2 to
 * stdout. Writes nothing when HEAD is still the base: the agent changed nothing.
 */
export const COLLECT_SCRIPT = String.raw`
set -eu
dir=$1 base=$2 marker=$3
cd -- "$dir"
git add -A -- . ":(exclude)$marker"
if ! git diff --cached --quiet; then
  git commit -q --no-verify -m "Uncommitted work the agent left" \
    -m "The agent ended without committing these changes; nixlima committed them so that they come back with its branch."
fi
[ "$(git rev-parse HEAD)" = "$base" ] && exit 0
git bundle create -q - "^$base" HEAD
`;

/** Removes the clone of task $1 from the guest, once its work is safe on the host. */
export const REMOVE_CLONE_SCRIPT = String.raw`
rm -rf -- "$HOME/${TASKS_DIR}/$1"
rmdir -- "$HOME/${TASKS_DIR}" 2> /dev/null
exit 0
`;
