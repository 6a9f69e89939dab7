using Messaging.Load.Recording;
using Messaging.Load.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Messaging.Load.Tests;

/// <summary>The open-loop schedule and its driver, on a fake clock that the driver's sleep advances.</summary>
public sealed class OpenLoopSchedulerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 11, 10, 14, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_schedule_at_rate_R_for_D_seconds_holds_R_times_D_sends()
    {
        var schedule = SendSchedule.AtRate(40, TimeSpan.FromSeconds(2.5), senders: 3);

        Assert.Equal(100, schedule.Count);
        Assert.Equal(TimeSpan.FromSeconds(2.5), schedule.Duration);
    }

    [Fact]
    public void Sends_are_due_one_interval_apart_from_the_start()
    {
        var schedule = SendSchedule.AtRate(40, TimeSpan.FromSeconds(2.5), senders: 3);

        const long microsecond = 1_000_000; // timestamps counted in microseconds, from a start at 1,000

        Assert.Equal(1_000, schedule.DueTimestamp(start: 1_000, index: 0, microsecond));
        Assert.Equal(26_000, schedule.DueTimestamp(start: 1_000, index: 1, microsecond));
        Assert.Equal(2_476_000, schedule.DueTimestamp(start: 1_000, index: 99, microsecond));
    }

    [Fact]
    public void Senders_take_the_sends_in_turn()
    {
        var schedule = SendSchedule.AtRate(40, TimeSpan.FromSeconds(2.5), senders: 3);

        var perSender = Enumerable.Range(0, 100).GroupBy(index => schedule.SenderOf(index)).OrderBy(group => group.Key).Select(group => group.Count());

        Assert.Equal([34, 33, 33], perSender);
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(index => schedule.SenderOf(index)));
    }

    [Fact]
    public void A_flat_out_schedule_makes_every_send_due_at_the_start()
    {
        var schedule = SendSchedule.FlatOut(500, senders: 4);

        Assert.Equal(500, schedule.Count);
        Assert.Equal(1000, schedule.DueTimestamp(1000, 499, _clock.TimestampFrequency));
        Assert.Equal(TimeSpan.Zero, schedule.Duration);
    }

    [Fact]
    public void The_driver_issues_every_send_at_its_due_time_spread_over_the_senders()
    {
        var schedule = SendSchedule.AtRate(50, TimeSpan.FromSeconds(2), senders: 4);
        var start = _clock.GetTimestamp();
        var issued = new List<(TimeSpan At, int Sender)>();

        Driver().Run(schedule, start, (_, sender) => issued.Add((_clock.GetElapsedTime(start), sender)), CancellationToken.None);

        Assert.Equal(100, issued.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(index => TimeSpan.FromMilliseconds(20 * index)), issued.Select(send => send.At));
        Assert.All(Enumerable.Range(0, 4), sender => Assert.Equal(25, issued.Count(send => send.Sender == sender)));
    }

    [Fact]
    public void A_slow_reply_does_not_delay_the_sends_after_it()
    {
        var issuedAt = new List<TimeSpan>();

        var (server, recorder) = RunAgainstASlowFirstAnswer(elapsed => issuedAt.Add(elapsed));

        server.AnswerAllUntil(_clock.GetUtcNow() + TimeSpan.FromMilliseconds(110), recorder); // 600 ms after the start

        Assert.Equal(Enumerable.Range(0, 50).Select(index => TimeSpan.FromMilliseconds(10 * index)), issuedAt);
        Assert.Equal(49, recorder.DeliveredCount); // all but send 0, whose answer is still on its way
    }

    [Fact]
    public void Latency_is_measured_from_the_due_time_so_a_slow_answer_shows_in_full()
    {
        var (server, recorder) = RunAgainstASlowFirstAnswer();
        server.AnswerAllUntil(_clock.GetUtcNow() + TimeSpan.FromSeconds(2), recorder);

        var latency = recorder.DeliveryLatency;
        Assert.Equal(50, latency.Count);
        Assert.Equal(5, latency.P50Ms, precision: 2);
        Assert.Equal(1000, latency.MaxMs, tolerance: 1);
    }

    [Fact]
    public void Sends_overdue_after_a_stall_of_the_generator_go_out_at_once_and_their_latency_counts_the_stall()
    {
        var schedule = SendSchedule.AtRate(100, TimeSpan.FromSeconds(0.5), senders: 2);
        var server = new FakeServer(_clock, _ => TimeSpan.FromMilliseconds(1));
        var start = _clock.GetTimestamp();
        var recorder = new LoadRecorder(schedule, firstSequence: 0, start, _clock);
        var issuedAt = new List<TimeSpan>();

        Driver(server, recorder).Run(schedule, start, (index, _) =>
        {
            issuedAt.Add(_clock.GetElapsedTime(start));
            server.Accept(index);
            if (index == 10)
                server.AnswerAllUntil(_clock.GetUtcNow() + TimeSpan.FromMilliseconds(300), recorder); // the driver's thread was not scheduled for 300 ms
        }, CancellationToken.None);
        server.AnswerAllUntil(_clock.GetUtcNow() + TimeSpan.FromSeconds(1), recorder);

        // Sends 11 to 40 were due between 110 and 400 ms: all go out at 400 ms, none is skipped.
        Assert.All(issuedAt.Skip(11).Take(30), at => Assert.Equal(TimeSpan.FromMilliseconds(400), at));
        Assert.Equal(TimeSpan.FromMilliseconds(410), issuedAt[41]);
        Assert.Equal(50, recorder.DeliveredCount);
        Assert.Equal(291, recorder.DeliveryLatency.MaxMs, tolerance: 0.5); // send 11: due at 110, answered at 401
    }

    /// <summary>Sleeping advances the fake clock, answering whatever the fake server has due in the meantime.</summary>
    /// <summary>
    /// 100 sends a second for 0.5 s from 2 senders against a server that answers send 0 after a second and every other
    /// after 5 ms; <paramref name="issued"/> hears when each send went out, counted from the start.
    /// </summary>
    private (FakeServer Server, LoadRecorder Recorder) RunAgainstASlowFirstAnswer(Action<TimeSpan>? issued = null)
    {
        var schedule = SendSchedule.AtRate(100, TimeSpan.FromSeconds(0.5), senders: 2);
        var server = new FakeServer(_clock, index => TimeSpan.FromMilliseconds(index == 0 ? 1000 : 5));
        var start = _clock.GetTimestamp();
        var recorder = new LoadRecorder(schedule, firstSequence: 0, start, _clock);
        Driver(server, recorder).Run(schedule, start, (index, _) =>
        {
            issued?.Invoke(_clock.GetElapsedTime(start));
            server.Accept(index);
        }, CancellationToken.None);
        return (server, recorder);
    }

    private OpenLoopDriver Driver(FakeServer? server = null, LoadRecorder? recorder = null) => new(_clock, wait =>
    {
        if (server is not null && recorder is not null)
            server.AnswerAllUntil(_clock.GetUtcNow() + wait, recorder);
        else
            _clock.Advance(wait);
    });

    /// <summary>Answers each send (a delivery) a set time after it was accepted, as the fake clock passes.</summary>
    private sealed class FakeServer(FakeTimeProvider clock, Func<long, TimeSpan> delayOf)
    {
        private readonly PriorityQueue<long, DateTimeOffset> _answers = new();

        public void Accept(long index) => _answers.Enqueue(index, clock.GetUtcNow() + delayOf(index));

        public void AnswerAllUntil(DateTimeOffset until, LoadRecorder recorder)
        {
            while (_answers.TryPeek(out var index, out var at) && at <= until)
            {
                _answers.Dequeue();
                clock.SetUtcNow(at);
                recorder.Delivered(index, clock.GetTimestamp());
            }
            clock.SetUtcNow(until);
        }
    }
}
