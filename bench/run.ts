// `npm run bench`: prints nixlima's speed and size numbers. Not a test: numbers vary with the
// machine, so compare them as ratios within one run.
import { benchActivation } from "./activation";
import { benchApiProxy } from "./apiProxy";
import { benchBundle } from "./bundle";
import { benchDevVm } from "./devVm";
import { benchDispatchRoundTrip } from "./dispatchRoundTrip";
import { benchFleet } from "./fleet";
import { benchHelperMemory } from "./helperMemory";
import { benchIdle } from "./idle";
import { benchInitReady } from "./initReady";
import { benchNixLog } from "./nixLog";
import { benchProgressBytes } from "./progressBytes";
import { benchRefresh } from "./refresh";
import { benchStartReady } from "./startReady";
import { benchTreeFill } from "./treeFill";

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

if (want("bundle")) benchBundle();
if (want("activation")) await benchActivation();
if (want("refresh")) await benchRefresh();
if (want("idle")) await benchIdle();
if (want("memory")) await benchHelperMemory();
if (want("tree")) await benchTreeFill();
if (want("nix")) benchNixLog();
if (want("proxy")) await benchApiProxy();
if (want("ready")) await benchStartReady();
if (want("ready")) await benchInitReady(); // cloud-init beside nixlima's lima-init
if (only.includes("fleet")) await benchFleet(); // boots 8 VMs: only when asked
if (want("bytes")) await benchProgressBytes(); // boots the test guest once
if (only.includes("devvm")) await benchDevVm(); // boots 3 times: only when asked
if (only.includes("dispatch")) await benchDispatchRoundTrip(); // boots the test guest once: only when asked
