#!/usr/bin/env python3
"""Where a dotnet-trace sample spent its CPU: bench/run.sh's profile, from `dotnet-trace convert --format speedscope`.

usage: trace-cpu.py TRACE.speedscope.json [N]

EventPipe's sampler takes every managed thread about every 10 ms and marks each sample CPU_TIME (the thread was in
managed code) or UNMANAGED_CODE_TIME (in native code: nearly always a wait). `dotnet-trace report topN` mixes both, so
its lists are led by idle threads. This keeps the CPU_TIME samples only and prints, as shares of them:
  * the top N functions by exclusive time; unresolved frames ('?!?', which topN calls 'Missing Symbol') are the P/Invoke
    stubs of system calls and are named after their managed caller; those under SocketAsyncEngine.EventLoop are the
    socket engine's epoll wait, an idle thread, and are left out of the shares;
  * the top N functions by inclusive time on the request path (thread and thread-pool roots left out): the share of the
    CPU spent inside each middleware, the endpoint, the store call.
Standard library only.
"""
import collections
import json
import re
import sys

RAW_ROOTS = re.compile(r"^(Process\d+ |\(Non-Activities\)$|Threads$|Thread \(\d+\)$)")
ROOTS = re.compile(r"^(Process\d+ |\(Non-Activities\)|Threads$|Thread \(|Thread\.StartCallback|Thread\.StartCore|"
                   r"PortableThreadPool|ThreadPoolWorkQueue\.Dispatch|ExecutionContext\.Run|AsyncMethodBuilderCore\.Start|"
                   r"AsyncTaskMethodBuilder`1\+AsyncStateMachineBox`1\.MoveNext|AsyncStateMachineBox`1\.ExecutionContextCallback|"
                   r"ThreadPoolTypedWorkItemQueue|CPU_TIME$|UNMANAGED_CODE_TIME$)")


def short(name):
    """'System.Private.CoreLib!System.Threading.Monitor.Enter_Slowpath(class System.Object)' -> 'Monitor.Enter_Slowpath'."""
    name = name.split("!", 1)[-1]
    name = re.sub(r"\(.*$", "", name)                      # arguments
    name = re.sub(r"\[[^\[\]]*(\[[^\[\]]*\])*[^\[\]]*\]", "", name)  # generic instantiations
    parts = name.split(".")
    # keep the type (with its nested '+' parts) and the method: the last two dot-separated parts
    return ".".join(parts[-2:]) if len(parts) > 2 else name


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    frames = [fr["name"] for fr in doc["shared"]["frames"]]
    try:
        cpu = frames.index("CPU_TIME")
    except ValueError:
        print("no CPU_TIME samples in this trace (not an EventPipe sample-profiler trace?)")
        return
    unmanaged = frames.index("UNMANAGED_CODE_TIME") if "UNMANAGED_CODE_TIME" in frames else -1
    exclusive, inclusive = collections.Counter(), collections.Counter()
    busy = idle = waiting = 0.0
    for prof in doc["profiles"]:
        stack, last = [], None
        for ev in prof.get("events", []):
            if stack and last is not None:
                dur = ev["at"] - last
                if stack[-1] == cpu and len(stack) > 1:
                    leaf = frames[stack[-2]]
                    if leaf == "?!?":
                        j = len(stack) - 2
                        while j >= 0 and frames[stack[j]] == "?!?":
                            j -= 1
                        caller = short(frames[stack[j]]) if j >= 0 else "?"
                        if caller.endswith("SocketAsyncEngine.EventLoop"):
                            idle += dur
                            dur = 0
                        leaf = "system call (P/Invoke stub) from " + caller
                    elif "PollGCWorker" in leaf:
                        leaf = "runtime suspension: parked at a GC poll (a GC, or the sampler's own stack walk)"
                    elif "LowLevelLifoSemaphore.Wait" in leaf or "LowLevelSpinWaiter" in leaf:
                        leaf = short(leaf) + " (thread-pool workers spinning for work)"
                    else:
                        leaf = short(leaf)
                    if dur:
                        busy += dur
                        exclusive[leaf] += dur
                        for name in {short(frames[i]) for i in stack[:-1] if not RAW_ROOTS.search(frames[i])}:
                            if not ROOTS.search(name) and name != "?!?":
                                inclusive[name] += dur
                elif stack[-1] == unmanaged:
                    waiting += dur
            if ev["type"] == "O":
                stack.append(ev["frame"])
            elif stack:
                stack.pop()
            last = ev["at"]
    if busy <= 0:
        print("no busy CPU samples")
        return
    print(f"managed threads' samples: {busy / 1000:.1f} s running (the shares below), {idle / 1000:.1f} s in the socket "
          f"engine's epoll wait, {waiting / 1000:.1f} s in native code (waits)")
    print(f"{'':4} {'top ' + str(top) + ' by exclusive CPU':<92} {'% CPU':>6}")
    for i, (name, dur) in enumerate(exclusive.most_common(top), 1):
        print(f"{str(i) + '.':4} {name[:92]:<92} {100 * dur / busy:6.1f}")
    print(f"{'':4} {'top ' + str(top) + ' by inclusive CPU (request path)':<92} {'% CPU':>6}")
    for i, (name, dur) in enumerate(inclusive.most_common(top), 1):
        print(f"{str(i) + '.':4} {name[:92]:<92} {100 * dur / busy:6.1f}")


if __name__ == "__main__":
    main()
