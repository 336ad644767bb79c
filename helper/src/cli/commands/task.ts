// `nixlima task review|merge|discard BRANCH [--project DIR]`: what to do with the branch a
// dispatched agent's work came back on (nixlima/VM/TASK) in the host repository at DIR (default:
// the current folder). review prints the changes against the commit the task started from.
import { checkTaskBranch, discardTask, mergeTask, taskRange } from "../../dispatch/taskBranches";
import { hostProject } from "../../dispatch/hostGit";
import { branchDiff } from "../../dispatch/taskRepo";
import { NixlimaError } from "../../errors";
import type { CliCommand } from "../command";
import { writeAgentText } from "../agentOutput";
import { EXIT_OK, parseCommandArgs, reportError } from "../support";

const usage = [
  "nixlima task review|merge|discard BRANCH [--project DIR]",
  "  review    show the branch's changes against the commit the task started from",
  "  merge     merge the branch into the current branch of the repository",
  "  discard   delete the branch",
  "  --project DIR   the host repository (default: the current folder)",
].join("\n");

export const taskCommand: CliCommand = {
  name: "task",
  summary: "Review, merge or discard the branch a dispatched agent's work came back on",
  usage,
  async run(args, io) {
    try {
      const { values, positionals } = parseCommandArgs(args, { project: { type: "string" } });
      const [action, branch] = positionals;
      if (positionals.length !== 2 || !["review", "merge", "discard"].includes(action!)) {
        throw new NixlimaError("usage", "task needs review, merge or discard, then the task's branch.");
      }
      const name = checkTaskBranch(branch!);
      const { root } = await hostProject(values.project ?? process.cwd());
      if (action === "review") {
        const { base, head } = await taskRange(root, name);
        const diff = await branchDiff(root, base, head, Number.MAX_SAFE_INTEGER);
        writeAgentText(io.stdout, `${name} against ${base.slice(0, 12)}:\n${diff.stat}\n${diff.patch}`); // the agent wrote the patch
      } else if (action === "merge") {
        await mergeTask(root, name);
        io.stdout.write(`Merged ${name} into the current branch of ${root}.\nDelete the branch with: nixlima task discard ${name}\n`);
      } else {
        await discardTask(root, name);
        io.stdout.write(`Deleted ${name} from ${root}.\n`);
      }
      return EXIT_OK;
    } catch (err) {
      return reportError(io, err, usage);
    }
  },
};
