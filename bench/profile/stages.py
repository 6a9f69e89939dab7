#!/usr/bin/env python3
"""Splits a perf profile of the server (perf script text on stdin) into the stages of a send.

Each sample is charged to the first stage whose marker appears on its stack, from the running function outwards, so a
serializer called by the journal counts as serialization, the journal's own work as the journal write, and an
allocation or a GC it triggers to the stage that allocated.
With --syscalls, samples are split instead by the system call on their stack (a thread waking another, sleeping,
writing a socket...), which is where a paravirtualised machine spends its kernel time.
Usage: perf script -i profile.perf | stages.py [--syscalls] [CPU_MICROSECONDS_PER_MESSAGE]  (given, each share of it too)"""
import re
import sys
from collections import Counter

STAGES = [
    ("STOMP decode", r"StompDecoder"),
    ("STOMP encode and event JSON", r"StompEncoder|StompEvents"),
    ("serialization (journal and remoting)", r"MessagingSerializer|PersistentRepresentationSerializer"),
    ("auth (token validation)", r"JsonWebToken|JwtTokenValidator|IdentityModel"),
    ("directory lookups", r"SqlDirectory|MemoryCache"),
    ("journal write (Messaging.Host.Journal, Akka.Persistence.Sql, linq2db, Npgsql, TLS)", r"Messaging\.Host\.Journal|Akka\.Persistence\.Sql|linq2db|LinqToDB|Npgsql|SslStream|libssl|libcrypto"),
    ("inbox updates", r"UserInboxActor|UserInboxState"),
    ("conversation decide/apply/persist", r"ConversationActor|ConversationState|Akka\.Persistence\.Eventsourced"),
    ("pub/sub fan-out", r"PublishSubscribe|TopicSubscriber"),
    ("Ask hops and gateway", r"PromiseActorRef|Futures|ConversationGateway|AdmissionGate"),
    ("session actor", r"StompSession"),
    ("socket write", r"WebSocketTransport\+<Write>|ManagedWebSocket.*Send|Http1OutputProducer|SocketConnection\+<DoSend>"),
    ("socket read", r"WebSocketTransport\+<Run>|ManagedWebSocket.*Receive|SocketConnection\+<DoReceive>"),
    ("REST endpoints (the readers)", r"Messaging\.Host\.Api|Microsoft\.AspNetCore\.Routing|Http1Connection"),
    ("Akka actors (mailboxes, other actors)", r"Akka\.Dispatch|Akka\.Actor\.|Akka\.Streams"),
]

# Charged only when no stage above is on the stack: work no send stage asked for (GC threads, JIT, idle workers).
FALLBACK = [
    ("thread pool (idle, dispatch)", r"ThreadPoolWorkQueue|PortableThreadPool|LowLevelLifoSemaphore|sched_yield"),
    ("runtime (GC, JIT, type system)", r"libcoreclr|libclrjit|GCHeap|gc_heap"),
]

# Thread wake-ups that reach the kernel from libc without a system-call frame perf can name.
LIBC_WAKES = r"pthread_cond_signal|__lll_lock_wake"


def main():
    arguments = sys.argv[1:]
    by_syscall = "--syscalls" in arguments
    arguments = [argument for argument in arguments if argument != "--syscalls"]
    per_message = float(arguments[0]) if arguments else None
    classify = classify_syscall if by_syscall else classify_stage
    counts, total, stack = Counter(), 0, []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            if stack:
                total += 1
                counts[classify(stack)] += 1
            stack = []
        elif line.startswith(("\t", " ")):
            stack.append(line.strip())
    if stack:
        total += 1
        counts[classify(stack)] += 1
    print(f"{'system call' if by_syscall else 'stage':62} {'share':>7}" + ("  µs/msg" if per_message else ""))
    for stage, count in counts.most_common():
        share = count / total
        print(f"{stage:62} {100 * share:6.1f}%" + (f"  {share * per_message:6.0f}" if per_message else ""))


def classify_syscall(stack):
    for frame in stack:  # leaf first
        if match := re.search(r"__x64_sys_(\w+)", frame):
            return match.group(1)
        if re.search(LIBC_WAKES, frame):
            return "thread wake-up (libc: pthread_cond_signal, __lll_lock_wake)"
    return "kernel, no system call named" if any("[kernel" in frame for frame in stack) else "user space"


def classify_stage(stack):
    for stages in (STAGES, FALLBACK):
        for frame in stack:  # leaf first
            for stage, marker in stages:
                if re.search(marker, frame):
                    return stage
    return "kernel and other" if any("[kernel" in frame or "kallsyms" in frame for frame in stack) else "other"

main()
