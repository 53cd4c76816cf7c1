using FiniteMemory.Generated;
using FiniteMemory.Policies;

namespace FiniteMemory.Tests.Policies;

/// <summary>The central registry, fed by the generated registries of FiniteMemory.Core and of this assembly.</summary>
// These tests change and count the process-wide registry: run them one at a time.
[NotInParallel("policy-registry")]
public class MemoryPolicyRegistryTests
{
    [Test]
    public async Task TheBuiltInPoliciesComeFirstAndThisAssemblysDeclaredPoliciesAreRegistered()
    {
        // Touching this assembly's generated registry is what an application's module initializer does.
        FiniteMemoryCoreTestsRegistry.Register();

        string[] builtIn = ["hybrid", "importance", "rolling_summary", "semantic", "sliding"];
        await Assert.That(MemoryPolicies.Names.Take(builtIn.Length)).IsEquivalentTo(builtIn);
        await Assert.That(MemoryPolicies.Names).Contains("test-opening");
        await Assert.That(MemoryPolicies.Names).Contains("test-everything");
        await Assert.That(FiniteMemoryCoreTestsRegistry.PolicyNames).IsEquivalentTo(new[] { "support", "test-cancel", "test-everything", "test-keyword", "test-last-two", "test-opening" });
        await Assert.That(FiniteMemoryCoreRegistry.PolicyNames).IsEquivalentTo(builtIn);
    }

    [Test]
    public async Task ARegistrationCarriesWhatTheDeclarationSaid()
    {
        FiniteMemoryCoreTestsRegistry.Register();

        await Assert.That(MemoryPolicies.TryGet("test-opening", out var opening)).IsTrue();
        await Assert.That(opening!.Budget).IsEqualTo(700);
        await Assert.That(opening.Description).IsEqualTo("Opening turn, then the newest.");
        await Assert.That(opening.Stages).IsEquivalentTo(new[] { "Pin(FirstTurns = 1)", "KeepRecent" });
        await Assert.That(opening.Assembly).IsEqualTo("FiniteMemory.Core.Tests");

        await Assert.That(MemoryPolicies.TryGet("test-everything", out var everything)).IsTrue();
        await Assert.That(everything!.Budget).IsNull();
        await Assert.That(everything.Stages).IsEquivalentTo(new[]
        {
            "Pin(FirstTurns = 1)",
            "KeepRecent(MaxTurns = 3, BudgetShare = 0.5, Contiguous = false)",
            "ScoreOverlap()",
            "Select",
            "BeforeTruncate()",
            "Truncate(MinTokens = 16)",
        });

        // Without a Description, the listing describes the stages.
        await Assert.That(everything.Description).IsEqualTo(string.Join(" → ", everything.Stages));
    }

    [Test]
    public async Task NamesAreCaseInsensitiveAndEveryCreateIsANewInstance()
    {
        var first = MemoryPolicies.Create(" SLIDING ");
        var second = MemoryPolicies.Create("sliding");

        await Assert.That(first).IsTypeOf<SlidingPolicy>();
        await Assert.That(ReferenceEquals(first, second)).IsFalse();
        await Assert.That(first.Name).IsEqualTo("sliding");
    }

    [Test]
    public async Task AnUnknownNameIsAnErrorNamingItAndListingTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => MemoryPolicies.Create("slidng"));

        await Assert.That(error.Message).Contains("Unknown policy 'slidng'");
        await Assert.That(error.Message).Contains("sliding");
        await Assert.That(error.Message).Contains("[MemoryPolicy(\"slidng\")]");
        await Assert.That(MemoryPolicies.TryCreate("slidng", out var none)).IsFalse();
        await Assert.That(none).IsNull();
        await Assert.That(MemoryPolicies.TryCreate(null, out _)).IsFalse();
        await Assert.That(MemoryPolicies.TryCreate("  ", out _)).IsFalse();
    }

    [Test]
    public async Task TheGeneratedRegistryCreatesItsOwnPoliciesByNameAndRejectsOthers()
    {
        var policy = FiniteMemoryCoreTestsRegistry.CreatePolicy("Test-Last-Two");
        await Assert.That(policy).IsTypeOf<LastTwoTurnsPolicy>();

        var error = Assert.Throws<ArgumentException>(() => FiniteMemoryCoreTestsRegistry.CreatePolicy("sliding"));
        await Assert.That(error.Message).Contains("declares no policy 'sliding'");
        await Assert.That(error.Message).Contains("support, test-cancel, test-everything, test-keyword, test-last-two, test-opening");
    }

    [Test]
    public async Task RegisteringAgainFromTheSameAssemblyChangesNothing()
    {
        var before = MemoryPolicies.Names.Count;
        FiniteMemoryCoreRegistry.Register();
        FiniteMemoryCoreTestsRegistry.Register();
        MemoryPolicies.Register(new PolicyRegistration("sliding", "again", 0, [], "FiniteMemory.Core", () => SlidingPolicy.Instance));

        await Assert.That(MemoryPolicies.Names.Count).IsEqualTo(before);
        await Assert.That(MemoryPolicies.Create("sliding")).IsNotSameReferenceAs(SlidingPolicy.Instance);
    }

    [Test]
    public async Task TwoAssembliesDeclaringOneNameIsAnErrorNamingBoth()
    {
        MemoryPolicies.Register(new PolicyRegistration("test-conflict", "one", 0, [], "LibraryA", () => SlidingPolicy.Instance));
        MemoryPolicies.Register(new PolicyRegistration("Test-Conflict", "two", 0, [], "LibraryB", () => SlidingPolicy.Instance));

        var error = Assert.Throws<InvalidOperationException>(() => MemoryPolicies.Create("test-conflict"));
        await Assert.That(error.Message).Contains("'test-conflict' is declared by both LibraryA and LibraryB");
        await Assert.That(error.Message).Contains("Rename one");

        // The name is listed once; other names are unaffected.
        await Assert.That(MemoryPolicies.Names.Count(n => n.Equals("test-conflict", StringComparison.OrdinalIgnoreCase))).IsEqualTo(1);
        await Assert.That(MemoryPolicies.Create("sliding")).IsTypeOf<SlidingPolicy>();
    }

    [Test]
    public async Task RegistrationsFromManyThreadsAreAllKept()
    {
        var names = Enumerable.Range(0, 64).Select(i => $"test-parallel-{i}").ToArray();
        Parallel.ForEach(names, name => MemoryPolicies.Register(new PolicyRegistration(name, name, 0, [], "Parallel", () => SlidingPolicy.Instance)));

        foreach (var name in names)
        {
            await Assert.That(MemoryPolicies.TryGet(name, out _)).IsTrue();
        }
    }

    [Test]
    public async Task ARegistrationRejectsMissingParts()
    {
        Assert.Throws<ArgumentException>(() => _ = new PolicyRegistration(" ", "d", 0, [], "a", () => SlidingPolicy.Instance));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PolicyRegistration("x", "d", -1, [], "a", () => SlidingPolicy.Instance));
        Assert.Throws<ArgumentNullException>(() => _ = new PolicyRegistration("x", "d", 0, [], "a", null!));
        await Assert.That(new PolicyRegistration("x", null!, 0, [], null!, () => SlidingPolicy.Instance).Description).IsEqualTo(string.Empty);
    }
}
