// The fixed bash script a dispatch runs in the guest. Nothing the user typed is pasted into it:
// run id, agent, workdir, rounds and marker arrive as quoted arguments ($1…$5); the environment is
// cleared to the account's basics (HOME, USER, PATH, locale); the secrets and
// the prompt arrive on stdin — `NAME=value` lines exported by the `export` builtin (so they are
// never in any process's argv, nor in a file), an empty line, then the prompt in base64. Each
// agent reads the prompt on its stdin, never from argv (where every user of the guest sees it):
// `claude -p` and `codex exec -` say so; `opencode run` with no message words appends what a
// non-terminal stdin holds to its message. stdin
// then stays open as a lifeline: when it closes (the host stopped the run, or died), the whole
// process group of the run is killed. Status lines start with `@nixlima-RUNID` and go to ssh's
// stderr; the agent's stdout and stderr both go to ssh's stdout, which is never read for status,
// so nothing the agent prints can forge one (the run id is no secret: it is in the script's argv).
// A process of the login user could still reopen the script's stderr (/proc/PID/fd/2); an agent
// running as a user of its own cannot.

/** The file an agent creates in the workdir to say "done"; the loop stops there. */
export const DONE_MARKER = ".nixlima-done";
/** Bytes of patch sent back at most; more is reported as truncated. */
export const PATCH_LIMIT = 1_000_000;

export const DISPATCH_SCRIPT = String.raw`
set -u
run=$1 agent=$2 workdir=$3 rounds=$4 marker=$5
tag="@nixlima-$run"
case $agent in claude|codex|opencode) ;; *) echo "$tag error agent" >&2; exit 95 ;; esac
# Only the intended environment: the account's basics, then the task's variables from stdin.
for v in $(compgen -e); do
  case $v in HOME|USER|LOGNAME|PATH|LANG|LC_ALL|TERM|TZ|LOCALE_ARCHIVE) ;; *) unset -v "$v" 2> /dev/null ;; esac
done
while IFS= read -r line && [ -n "$line" ]; do export "$line"; done
IFS= read -r prompt_b64
read -r _ _ _ _ pgid _ < /proc/$$/stat
pidfile=/tmp/nixlima-dispatch-$run.pgid
echo "$pgid" > "$pidfile"
state=$(mktemp -d /tmp/nixlima-dispatch.XXXXXX) || exit 97
# An explicit <&0: a background job would otherwise get /dev/null as stdin.
( cat > /dev/null; kill -TERM -- "-$pgid" ) <&0 > /dev/null 2>&1 &
lifeline=$!
trap 'kill "$lifeline" 2>/dev/null; rm -rf "$state" "$pidfile"' EXIT
trap 'exit 143' TERM HUP
printf '%s' "$prompt_b64" | base64 -d > "$state/prompt" || exit 97
[ -n "$workdir" ] || workdir=$HOME
cd -- "$workdir" || { echo "$tag error workdir" >&2; exit 96; }
echo "$tag workdir $(pwd)" >&2
echo "$tag base $(git rev-parse --verify -q HEAD 2> /dev/null || echo none)" >&2
rm -f -- "$marker"
# Codex ignores OPENAI_BASE_URL: a provider of its own points it at the task's proxy (or the base
# URL given), with the key variable and the Responses API. Built as the positional parameters
# (the run's arguments are read already; a template cannot hold bash's array syntax), so the URL
# stays one word; codex reads a -c value as TOML and takes a URL, not valid TOML, as the string.
set --
if [[ -v OPENAI_BASE_URL ]] && [ -n "$OPENAI_BASE_URL" ]; then
  p=model_providers.nixlima
  set -- -c "$p.name=nixlima" -c "$p.base_url=$OPENAI_BASE_URL" -c "$p.env_key=OPENAI_API_KEY" -c "$p.wire_api=responses" -c model_provider=nixlima
fi
# OpenCode's Anthropic provider puts /messages right after ANTHROPIC_BASE_URL, where Claude Code and
# the task's proxy put /v1/messages: its inline config (a variable it reads over every config file)
# adds the /v1, naming the variable ({env:…}) rather than holding its value. It takes
# OPENAI_BASE_URL as it is. Its run skips the models.dev refresh and the self-update (it uses the
# model list it ships), and --auto approves what would ask a person who is not there.
if [ "$agent" = opencode ] && [[ -v ANTHROPIC_BASE_URL ]] && [ -n "$ANTHROPIC_BASE_URL" ]; then
  export OPENCODE_CONFIG_CONTENT='{"provider":{"anthropic":{"options":{"baseURL":"{env:ANTHROPIC_BASE_URL}/v1"}}}}'
fi
status=0 round=0 outcome=finished
while [ "$round" -lt "$rounds" ]; do
  round=$((round + 1))
  echo "$tag round $round" >&2
  case $agent in
    claude) claude --dangerously-skip-permissions -p < "$state/prompt" ;;
    codex) codex exec --dangerously-bypass-approvals-and-sandbox "$@" - < "$state/prompt" ;;
    opencode) OPENCODE_DISABLE_MODELS_FETCH=1 OPENCODE_DISABLE_AUTOUPDATE=1 opencode run --auto < "$state/prompt" ;;
  esac 2>&1
  status=$?
  echo "$tag exit $round $status" >&2
  if [ -e "$marker" ]; then outcome=done; break; fi
done
[ "$outcome" = finished ] && [ "$status" -ne 0 ] && outcome=failed
echo "$tag outcome $outcome $round $status" >&2
exit "$status"
`;

/**
 * What a run changed in its workdir since commit $2: `git diff --stat`, a NUL byte, then the
 * patch (at most $4 bytes). Commits, staged and unstaged changes and new files all count; a
 * throw-away index leaves the user's own index alone. Prints nothing outside a git repository.
 */
export const DIFF_SCRIPT = String.raw`
cd -- "$1" 2> /dev/null || exit 0
base=$2 marker=$3 limit=$4
git rev-parse -q --verify "$base^{commit}" > /dev/null 2>&1 || exit 0
state=$(mktemp -d /tmp/nixlima-diff.XXXXXX) || exit 97
trap 'rm -rf "$state"' EXIT
export GIT_INDEX_FILE="$state/index"
git read-tree HEAD && git add -A -- . ":(exclude)$marker" || exit 98
git diff --cached --stat "$base"
printf '\0'
git diff --cached "$base" | head -c "$limit"
`;

/** Stops a run from a second ssh session: its process group, politely, then for sure. */
export const STOP_SCRIPT = String.raw`
f=/tmp/nixlima-dispatch-$1.pgid
[ -r "$f" ] || exit 0
pgid=$(cat "$f")
kill -TERM -- "-$pgid" 2> /dev/null || exit 0
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$pgid" 2> /dev/null || exit 0; sleep 0.3; done
kill -KILL -- "-$pgid" 2> /dev/null
exit 0
`;

/**
 * After a run as an agent user of its own: ends every process that user still has. A process the
 * agent moved out of its process group (setsid, a double fork) escapes the group kill above and
 * would outlive the task; one task holds a VM at a time, so all of the user's processes are the
 * task's. Run as Lima's user (sudo); never for root or Lima's user itself. Prints how many it ended.
 */
export const REAP_SCRIPT = String.raw`
uid=$(id -u -- "$1" 2> /dev/null) || exit 0
[ "$uid" -ne 0 ] && [ "$uid" -ne "$(id -u)" ] || exit 0
n=$(pgrep -c -U "$uid" 2> /dev/null) || n=0
[ "$n" -eq 0 ] || sudo -n pkill -KILL -U "$uid" || exit 1
echo "$n"
`;
