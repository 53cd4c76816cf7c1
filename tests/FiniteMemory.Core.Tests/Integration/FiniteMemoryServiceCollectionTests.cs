using FiniteMemory.Policies;
using FiniteMemory.Tests.Fakes;
using FiniteMemory.Tests.Support;
using FiniteMemory.Tests.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static FiniteMemory.Tests.Sessions.SessionTestText;

namespace FiniteMemory.Tests.Integration;

public class FiniteMemoryServiceCollectionTests
{
    private static readonly TokenCounter Counter = TokenCounter.Default;

    private static ServiceProvider Provider(IServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

    /// <summary>Talks <paramref name="turns"/> turns through <paramref name="client"/>, keeping the whole history on the caller's side.</summary>
    private static async Task<List<ChatMessage>> TalkAsync(IChatClient client, int turns)
    {
        var history = new List<ChatMessage> { new(ChatRole.System, "You are a patient tutor.") };
        for (var turn = 1; turn <= turns; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            history.AddMessages(await client.GetResponseAsync(history));
        }

        return history;
    }

    private static FakeChatClient Model() => new() { Responder = r => FakeReply.Say(Answer(r.Call)) };

    [Test]
    public async Task APipelineFromTheServiceProviderKeepsEveryRequestWithinTheRegisteredBudget()
    {
        const int budget = 220;
        var model = Model();
        var services = new ServiceCollection();
        services.AddFiniteMemory(o => o.Budget = budget);
        services.AddChatClient(model).UseFiniteMemory();
        await using var provider = Provider(services);

        var client = provider.GetRequiredService<IChatClient>();
        var history = await TalkAsync(client, 15);

        await Assert.That(model.Requests.Count).IsEqualTo(15);
        foreach (var request in model.Requests)
        {
            await Assert.That(request.CountWith(Counter)).IsLessThanOrEqualTo(budget);
        }

        await Assert.That(model.Requests[^1].Messages.Count).IsLessThan(history.Count - 2);
        var middleware = client.GetService<FiniteMemoryChatClient>()!;
        await Assert.That(middleware.Options.Budget).IsEqualTo(budget);
        await Assert.That(middleware.Stats.Turns).IsEqualTo(15);
    }

    [Test]
    public async Task APolicyNamedAtRegistrationBuildsEveryWindowAndBringsItsDeclaredBudget()
    {
        // "test-opening" (Policies/DeclaredPolicies.cs) pins the first turn and declares Budget = 700.
        var model = Model();
        var hooks = new RecordingHooks();
        var services = new ServiceCollection();
        services.AddSingleton<IMemoryHooks>(hooks);
        services.AddFiniteMemory("TEST-OPENING");
        services.AddChatClient(model).UseFiniteMemory();
        await using var provider = Provider(services);

        var client = provider.GetRequiredService<IChatClient>();
        var history = await TalkAsync(client, 20);

        var options = client.GetService<FiniteMemoryChatClient>()!.Options;
        await Assert.That(options.Budget).IsEqualTo(700);
        await Assert.That(options.Policy.Name).IsEqualTo("test-opening");
        var last = model.Requests[^1];
        await Assert.That(last.CountWith(Counter)).IsLessThanOrEqualTo(700);
        await Assert.That(last.Messages.Count).IsLessThan(history.Count - 2);
        await Assert.That(last.Messages.Any(m => m.Text == Question(1))).IsTrue();
        await Assert.That(last.Messages.Any(m => m.Text == Question(2))).IsFalse();
        var executed = hooks.Of<PolicyExecutedEvent>();
        await Assert.That(executed.Count).IsEqualTo(20);
        await Assert.That(executed.All(e => e.Report.Policy == "test-opening" && e.Report.Fallback is null)).IsTrue();
    }

    [Test]
    public async Task AnUnknownPolicyNameIsRejectedAtRegistrationNamingTheRegisteredPolicies()
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<ArgumentException>(() => services.AddFiniteMemory("slidng", o => o.Budget = 1000));

        await Assert.That(ex.ParamName).IsEqualTo("policy");
        await Assert.That(ex.Message).Contains("'slidng'");
        foreach (var name in MemoryPolicies.Names)
        {
            await Assert.That(ex.Message).Contains(name);
        }

        await Assert.That(services.Count).IsEqualTo(0);
    }

    [Test]
    public async Task ARegisteredEmbedderScoresRelevanceUnlessTheCallbackOptsOut()
    {
        var embedder = new HashingEmbedder();
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
        services.AddFiniteMemory(SemanticPolicy.PolicyName, o => o.Budget = 400);
        services.AddChatClient(Model()).UseFiniteMemory();
        await using (var provider = Provider(services))
        {
            await TalkAsync(provider.GetRequiredService<IChatClient>(), 12);
        }

        await Assert.That(embedder.Calls).IsGreaterThan(0);
        await Assert.That(embedder.Inputs).Contains(Question(1));

        var unused = new HashingEmbedder();
        var optedOut = new ServiceCollection();
        optedOut.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(unused);
        optedOut.AddFiniteMemory(SemanticPolicy.PolicyName, o =>
        {
            o.Budget = 400;
            o.Embedder = null;
        });
        optedOut.AddChatClient(Model()).UseFiniteMemory();
        await using (var provider = Provider(optedOut))
        {
            await TalkAsync(provider.GetRequiredService<IChatClient>(), 12);
        }

        await Assert.That(unused.Calls).IsEqualTo(0);
    }

    [Test]
    public async Task ARegisteredSummarizerWritesTheRollingSummary()
    {
        var summarizer = new CountingSummarizer();
        var model = Model();
        var services = new ServiceCollection();
        services.AddSingleton<IConversationSummarizer>(summarizer);
        services.AddFiniteMemory(RollingSummaryPolicy.PolicyName, o => o.Budget = 400);
        services.AddChatClient(model).UseFiniteMemory();
        await using var provider = Provider(services);

        await TalkAsync(provider.GetRequiredService<IChatClient>(), 15);

        await Assert.That(summarizer.Calls).IsGreaterThan(0);
        var last = model.Requests[^1];
        await Assert.That(last.Messages.Any(m => m.Text.StartsWith("[Summary of ", StringComparison.Ordinal))).IsTrue();
        await Assert.That(provider.GetRequiredService<IChatClient>().GetService<FiniteMemoryChatClient>()!.Stats.SummariesCreated).IsGreaterThan(0);
    }

    [Test]
    public async Task WhatTheCallerGivesWinsOverTheRegisteredOptionsAndServices()
    {
        var registeredCounter = new FixedCostTokenCounter(perMessage: 10);
        var explicitCounter = new FixedCostTokenCounter(perMessage: 20);
        var embedder = new HashingEmbedder();
        var services = new ServiceCollection();
        services.AddSingleton<ITokenCounter>(registeredCounter);
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
        services.AddFiniteMemory(SemanticPolicy.PolicyName, o =>
        {
            o.Budget = 500;
            o.ReserveTokens = 100;
        });
        await using var provider = Provider(services);

        // The registered options: the DI counter and embedder, the named policy, the callback's budget.
        var registered = provider.GetRequiredService<IOptions<MemoryOptions>>().Value;
        await Assert.That(registered.TokenCounter).IsSameReferenceAs(registeredCounter);
        await Assert.That(registered.Embedder).IsSameReferenceAs(embedder);
        await Assert.That(registered.Policy.Name).IsEqualTo(SemanticPolicy.PolicyName);

        // A pipeline's callback overrides what it sets and keeps the rest.
        var model = new FakeChatClient();
        using var configured = new ChatClientBuilder(model).UseFiniteMemory(o =>
        {
            o.Budget = 300;
            o.TokenCounter = explicitCounter;
        }).Build(provider);
        var options = configured.GetService<FiniteMemoryChatClient>()!.Options;
        await Assert.That(options.Budget).IsEqualTo(300);
        await Assert.That(options.ReserveTokens).IsEqualTo(100);
        await Assert.That(options.TokenCounter).IsSameReferenceAs(explicitCounter);
        await Assert.That(options.Embedder).IsSameReferenceAs(embedder);
        var history = Enumerable.Range(1, 31).Select(i => new ChatMessage(i % 2 == 0 ? ChatRole.Assistant : ChatRole.User, Question(i))).ToList();
        await configured.GetResponseAsync(history);
        // 20 tokens a message under 300 - 100: ten messages, where the registered counter would have allowed twenty.
        await Assert.That(model.Requests[0].Messages.Count).IsEqualTo(10);

        // A budget passed to UseFiniteMemory(budget) overrides the registered one; the named policy stays.
        using var budgeted = new ChatClientBuilder(new FakeChatClient()).UseFiniteMemory(250).Build(provider);
        var budgetedOptions = budgeted.GetService<FiniteMemoryChatClient>()!.Options;
        await Assert.That(budgetedOptions.Budget).IsEqualTo(250);
        await Assert.That(budgetedOptions.Policy.Name).IsEqualTo(SemanticPolicy.PolicyName);

        // Options passed as an instance are used as given: nothing comes from the provider.
        using var given = new ChatClientBuilder(new FakeChatClient()).UseFiniteMemory(new MemoryOptions { Budget = 200 }).Build(provider);
        var givenOptions = given.GetService<FiniteMemoryChatClient>()!.Options;
        await Assert.That(givenOptions.Budget).IsEqualTo(200);
        await Assert.That(givenOptions.ReserveTokens).IsEqualTo(0);
        await Assert.That(givenOptions.Embedder).IsNull();
        await Assert.That(givenOptions.Policy).IsSameReferenceAs(SlidingPolicy.Instance);
    }

    [Test]
    public async Task OptionsSetBeforeAddFiniteMemoryAreNotOverwrittenByRegisteredServices()
    {
        var explicitCounter = new FixedCostTokenCounter(perMessage: 20);
        var policy = new DelegatePolicy("registered", _ => { });
        var services = new ServiceCollection();
        services.AddSingleton<ITokenCounter>(new FixedCostTokenCounter(perMessage: 10));
        services.AddSingleton<IMemoryPolicy>(policy);
        services.Configure<MemoryOptions>(o => o.TokenCounter = explicitCounter);
        services.AddFiniteMemory(o => o.Budget = 100);
        await using var provider = Provider(services);

        var options = provider.GetRequiredService<IOptions<MemoryOptions>>().Value;

        await Assert.That(options.TokenCounter).IsSameReferenceAs(explicitCounter);
        await Assert.That(options.Policy).IsSameReferenceAs(policy);
        await Assert.That(options.Budget).IsEqualTo(100);
    }

    [Test]
    public async Task TheOptionsAreOneSingletonAndEachScopedPipelineHasItsOwnMemory()
    {
        var services = new ServiceCollection();
        services.AddFiniteMemory(o => o.Budget = 300);
        services.AddChatClient(_ => Model(), ServiceLifetime.Scoped).UseFiniteMemory();
        await using var provider = Provider(services);

        var registered = provider.GetRequiredService<IOptions<MemoryOptions>>().Value;
        FiniteMemoryChatClient first, second;
        await using (var scope = provider.CreateAsyncScope())
        {
            await Assert.That(scope.ServiceProvider.GetRequiredService<IOptions<MemoryOptions>>().Value).IsSameReferenceAs(registered);
            first = scope.ServiceProvider.GetRequiredService<IChatClient>().GetService<FiniteMemoryChatClient>()!;
            await TalkAsync(scope.ServiceProvider.GetRequiredService<IChatClient>(), 3);
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            await Assert.That(scope.ServiceProvider.GetRequiredService<IOptions<MemoryOptions>>().Value).IsSameReferenceAs(registered);
            second = scope.ServiceProvider.GetRequiredService<IChatClient>().GetService<FiniteMemoryChatClient>()!;
            await TalkAsync(scope.ServiceProvider.GetRequiredService<IChatClient>(), 1);
        }

        await Assert.That(second).IsNotSameReferenceAs(first);
        await Assert.That(first.Stats.Turns).IsEqualTo(3);
        await Assert.That(second.Stats.Turns).IsEqualTo(1);
        await Assert.That(first.Options).IsNotSameReferenceAs(registered);
        await Assert.That(provider.GetRequiredService<ITokenCounter>()).IsSameReferenceAs(TokenCounter.Default);

        // A session takes the same registered options and copies them too.
        var session = new MemorySession(registered);
        await Assert.That(session.Options.Budget).IsEqualTo(300);
        await Assert.That(session.Options).IsNotSameReferenceAs(registered);
    }

    [Test]
    public async Task UseFiniteMemoryWithoutArgumentsNeedsAddFiniteMemoryAndSaysSo()
    {
        var alone = new ChatClientBuilder(new FakeChatClient()).UseFiniteMemory();
        var ex = Assert.Throws<InvalidOperationException>(() => alone.Build());
        await Assert.That(ex.Message).Contains("services.AddFiniteMemory(");

        // A host that registered the options pattern for other reasons is no different.
        var services = new ServiceCollection();
        services.AddOptions();
        await using var provider = Provider(services);
        var hosted = new ChatClientBuilder(new FakeChatClient()).UseFiniteMemory();
        var hostedEx = Assert.Throws<InvalidOperationException>(() => hosted.Build(provider));
        await Assert.That(hostedEx.Message).Contains("services.AddFiniteMemory(");
    }

    [Test]
    public async Task WithoutAddFiniteMemoryAConfiguredPipelineTakesNothingFromTheProvider()
    {
        var embedder = new HashingEmbedder();
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
        services.AddChatClient(Model()).UseFiniteMemory(o =>
        {
            o.Budget = 400;
            o.Policy = MemoryPolicies.Create(SemanticPolicy.PolicyName);
        });
        await using var provider = Provider(services);

        var client = provider.GetRequiredService<IChatClient>();
        await TalkAsync(client, 12);

        await Assert.That(client.GetService<FiniteMemoryChatClient>()!.Options.Embedder).IsNull();
        await Assert.That(embedder.Calls).IsEqualTo(0);
    }

    [Test]
    public async Task InvalidOptionsFailWhenThePipelineIsBuiltNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddFiniteMemory(o => o.ReserveTokens = 50);
        await using var provider = Provider(services);

        // The registered options lack a budget; a pipeline that sets one is fine, one that does not names the setting.
        using var withBudget = new ChatClientBuilder(new FakeChatClient()).UseFiniteMemory(o => o.Budget = 100).Build(provider);
        await Assert.That(withBudget.GetService<FiniteMemoryChatClient>()!.Options.ReserveTokens).IsEqualTo(50);
        var ex = Assert.Throws<ArgumentException>(() => new ChatClientBuilder(new FakeChatClient()).UseFiniteMemory().Build(provider));
        await Assert.That(ex.ParamName).IsEqualTo("Budget");
        await Assert.That(ex.Message).Contains("MemoryOptions.Budget");
    }

    [Test]
    public async Task RegisteredPolicyHooksClockAndLoggerAreUsed()
    {
        var clock = new FakeTimeProvider();
        var hooks = new RecordingHooks();
        var logs = new RecordingLoggerFactory();
        var builds = 0;
        var policy = new DelegatePolicy("clockwork", _ =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            if (++builds == 2)
            {
                throw new InvalidOperationException("second build fails");
            }
        });
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IMemoryHooks>(hooks);
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddSingleton<IMemoryPolicy>(policy);
        services.AddFiniteMemory(o => o.Budget = 1000);
        services.AddChatClient(Model()).UseFiniteMemory();
        await using var provider = Provider(services);

        var client = provider.GetRequiredService<IChatClient>();
        await TalkAsync(client, 3);

        var stats = client.GetService<FiniteMemoryChatClient>()!.Stats;
        await Assert.That(stats.PolicyLatencyMax).IsEqualTo(TimeSpan.FromMilliseconds(250));
        await Assert.That(stats.Fallbacks).IsEqualTo(1);
        var reports = hooks.Of<PolicyExecutedEvent>().Select(e => e.Report).ToList();
        await Assert.That(reports.Count).IsEqualTo(3);
        await Assert.That(reports[0].Policy).IsEqualTo("clockwork");
        await Assert.That(reports[1].Fallback).IsNotNull();
        var warning = logs.Entries.Single(e => e.Level == LogLevel.Warning);
        await Assert.That(warning.Category).IsEqualTo("FiniteMemory");
        await Assert.That(warning.Message).Contains("clockwork");
    }

    /// <summary>Counts its calls and answers with the extractive summary (which the quality gate accepts).</summary>
    private sealed class CountingSummarizer : IConversationSummarizer
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Name => "counting";

        public int MaxInputTokens => 4_000;

        public ValueTask<string> SummarizeAsync(SummaryRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(ExtractiveSummarizer.Summarize(request));
        }
    }

    /// <summary>An <see cref="ILoggerFactory"/> whose loggers record every entry with its category.</summary>
    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        private readonly Lock _gate = new();
        private readonly List<(string Category, LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_gate)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingLoggerFactory owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._gate)
                {
                    owner._entries.Add((category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
