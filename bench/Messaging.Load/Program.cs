using System.Runtime.InteropServices;
using Messaging.Load.Cli;

// Ctrl+C and SIGTERM (bench.sh stopping the relay) end the command in order instead of killing it mid-write.
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await Verbs.RunAsync(args, Console.Out, stop.Token);

void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}
