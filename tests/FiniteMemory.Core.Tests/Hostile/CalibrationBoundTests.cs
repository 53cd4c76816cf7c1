using FiniteMemory.Tests.Fakes;
using FiniteMemory.Tests.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static FiniteMemory.Tests.Sessions.SessionTestText;

namespace FiniteMemory.Tests.Hostile;

/// <summary>Issue 20, item 10: whatever a provider reports, a request never exceeds the budget by our own exact count.</summary>
public class CalibrationBoundTests
{
    [Test]
    public async Task AServerReportingOneInputTokenNeverPushesARequestOverTheBudgetByTheExactCount()
    {
        const int budget = 1000;
        var logger = new ListLogger();
        var fake = new FakeChatClient { Responder = r => new FakeReply { Text = Answer(r.Call), InputTokens = 1 } };
        var session = new MemorySession(fake, new MemoryOptions { Budget = budget, Logger = logger });
        session.AddSystem("You are a helpful assistant that answers with care and precision.");

        for (var turn = 1; turn <= 30; turn++)
        {
            await session.ChatAsync(Words($"Question {turn}:", 40, turn));
        }

        foreach (var request in fake.Requests)
        {
            await Assert.That(request.CountWith(session.TokenCounter)).IsLessThanOrEqualTo(budget);
        }

        await Assert.That(session.Calibration.Ratio).IsEqualTo(1.0);
        await Assert.That(session.Calibration.Observations).IsEqualTo(0);
        await Assert.That(logger.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("implausible", StringComparison.Ordinal))).IsTrue();
    }

    [Test]
    public async Task AProviderBillingLessThanWeCountLeavesTheExactCountInCharge()
    {
        const int budget = 600;
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)), ProviderCounter = TokenCounter.Default, ProviderFactor = 0.6 };
        var session = new MemorySession(fake, new MemoryOptions { Budget = budget });

        for (var turn = 1; turn <= 20; turn++)
        {
            await session.ChatAsync(Words($"Question {turn}:", 30, turn));
        }

        await Assert.That(session.Calibration.Observations).IsGreaterThan(0);
        await Assert.That(session.Calibration.Ratio).IsEqualTo(1.0);
        foreach (var request in fake.Requests)
        {
            await Assert.That(request.CountWith(session.TokenCounter)).IsLessThanOrEqualTo(budget);
        }
    }

    [Test]
    public async Task TheMiddlewareIgnoresImplausibleUsageAndKeepsEveryRequestWithinTheBudget()
    {
        const int budget = 500;
        var fake = new FakeChatClient { Responder = r => new FakeReply { Text = Answer(r.Call), InputTokens = r.Call % 2 == 0 ? 1 : 100_000 } };
        var middleware = new FiniteMemoryChatClient(fake, new MemoryOptions { Budget = budget });
        var history = new List<ChatMessage>();

        for (var turn = 1; turn <= 20; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Words($"Question {turn}:", 30, turn)));
            history.AddMessages(await middleware.GetResponseAsync(history));
        }

        await Assert.That(middleware.Calibration.Ratio).IsEqualTo(1.0);
        await Assert.That(middleware.Calibration.Observations).IsEqualTo(0);
        foreach (var request in fake.Requests)
        {
            await Assert.That(request.CountWith(TokenCounter.Default)).IsLessThanOrEqualTo(budget);
        }
    }

    [Test]
    public async Task CalibrationOnlyEverScalesUpAndSkipsReportsFarFromTheEstimate()
    {
        var calibration = new TokenCalibration();
        await Assert.That(calibration.Observe(1000, 700)).IsTrue();
        await Assert.That(calibration.Ratio).IsEqualTo(1.0);
        await Assert.That(calibration.Observe(1000, 499)).IsFalse();
        await Assert.That(calibration.Observe(1000, 4001)).IsFalse();
        await Assert.That(calibration.Observations).IsEqualTo(1);
        await Assert.That(calibration.Observe(1000, 3000)).IsTrue(); // clamped to 2, weight 1/2
        await Assert.That(calibration.Ratio).IsEqualTo(1.5);
    }

    [Test]
    public async Task ARatioBelowOneFromAnOlderCheckpointIsRestoredAsOne()
    {
        var calibration = new TokenCalibration();
        calibration.Restore(0.6, 3);
        await Assert.That(calibration.Ratio).IsEqualTo(1.0);
        await Assert.That(calibration.Observations).IsEqualTo(3);
    }
}
