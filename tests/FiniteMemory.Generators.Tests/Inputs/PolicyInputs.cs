namespace FiniteMemory.Generators.Tests.Inputs;

/// <summary>
/// Policy declarations the snapshot tests generate from, compile and run, and the hygiene tests reuse. Each
/// policy name is used by one input only: <c>MemoryPolicies</c> is one registry for the whole test process.
/// </summary>
internal static class PolicyInputs
{
    /// <summary>One bare stage attribute.</summary>
    public const string Minimal = """
        using FiniteMemory.Policies;

        namespace Sample.Minimal;

        [MemoryPolicy("gen-minimal")]
        [KeepRecent]
        public partial class MinimalPolicy
        {
        }
        """;

    /// <summary>Several stage attributes with arguments, some left at their defaults.</summary>
    public const string Staged = """
        using FiniteMemory.Policies;

        namespace Sample.Staged;

        [MemoryPolicy("gen-staged", Description = "Opening, recent turns, selection, then a filler.")]
        [Pin(FirstTurns = 1)]
        [KeepRecent(MaxTurns = 4, BudgetShare = 0.5)]
        [Select]
        [Truncate(MinTokens = 32)]
        public sealed partial class StagedPolicy
        {
        }
        """;

    /// <summary>
    /// [Stage] methods of every shape around attribute stages: an instance async ValueTask with a token and no
    /// ordering (runs last), an instance Task after KeepRecent, a static void before Select. Each appends to
    /// <c>StageLog.Calls</c>; Score gives Select something to select.
    /// </summary>
    public const string StageMethods = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using FiniteMemory;
        using FiniteMemory.Stages;
        using FiniteMemory.Policies;

        namespace Sample.Methods;

        public static class StageLog
        {
            public static List<string> Calls { get; } = new();
        }

        [MemoryPolicy("gen-stage-methods", Budget = 1000)]
        [KeepRecent(MaxTurns = 2)]
        [Select]
        public partial class StageMethodPolicy
        {
            private const string Keyword = "apricot";

            [Stage]
            private async ValueTask Audit(MemoryFrame frame, CancellationToken cancellationToken)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                StageLog.Calls.Add("Audit: " + string.Join(", ", frame.Kept.Select(k => k.Reason)));
            }

            [Stage(After = "KeepRecent")]
            internal Task Trace(MemoryFrame frame)
            {
                StageLog.Calls.Add("Trace: " + frame.Kept.Count + " kept");
                return Task.CompletedTask;
            }

            [Stage(Before = "Select")]
            public static void Score(MemoryFrame frame)
            {
                StageLog.Calls.Add("Score: " + frame.Kept.Count + " kept");
                for (var group = 0; group < frame.GroupCount; group++)
                {
                    foreach (var member in frame.Transcript.Groups[group].Members)
                    {
                        if (frame.Transcript[member].Message.Text.Contains(Keyword))
                        {
                            frame.Scores[group] = 1;
                        }
                    }
                }
            }
        }
        """;

    /// <summary>A policy nested in a static class and a record struct, and one in the global namespace.</summary>
    public const string NestedAndGlobal = """
        using FiniteMemory.Policies;

        public static partial class Outer
        {
            public partial record struct Middle
            {
                [MemoryPolicy("gen-nested")]
                [KeepRecent(MaxTurns = 1)]
                internal sealed partial class InnerPolicy
                {
                }
            }
        }

        [MemoryPolicy("gen-global")]
        [KeepRecent(MaxTokens = 20)]
        partial class GlobalPolicy
        {
        }
        """;

    /// <summary>
    /// A stage attribute of the user's own: a constructor argument, a named argument, an optional parameter
    /// left at its default and a service (IKeywordSource) the policy supplies through a property.
    /// </summary>
    public const string CustomStage = """
        using System;
        using FiniteMemory;
        using FiniteMemory.Stages;
        using FiniteMemory.Policies;

        namespace Sample.Custom;

        public interface IKeywordSource
        {
            string Keyword { get; }
        }

        public sealed class FixedKeyword(string keyword) : IKeywordSource
        {
            public string Keyword => keyword;
        }

        [StageImplementation(typeof(KeywordScorer), nameof(KeywordScorer.Score))]
        public sealed class KeywordBoostAttribute(string reason) : PolicyStageAttribute
        {
            public string Reason { get; } = reason;

            public double Weight { get; set; } = 1;

            public bool CaseSensitive { get; set; }
        }

        public static class KeywordScorer
        {
            public static string LastReason { get; private set; } = "";

            public static void Score(MemoryFrame frame, string reason, IKeywordSource keywords, double weight = 1, float floor = 0, bool caseSensitive = false)
            {
                LastReason = reason;
                var comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
                for (var group = 0; group < frame.GroupCount; group++)
                {
                    foreach (var member in frame.Transcript.Groups[group].Members)
                    {
                        if (frame.Transcript[member].Message.Text.Contains(keywords.Keyword, comparison))
                        {
                            frame.Scores[group] = Math.Max(floor, (float)weight);
                        }
                    }
                }
            }
        }

        [MemoryPolicy("gen-keyword")]
        [KeywordBoost("fruit questions", Weight = 2.5, CaseSensitive = true)]
        [Select]
        public partial class KeywordPolicy
        {
            private IKeywordSource Keywords { get; } = new FixedKeyword("Apricot");
        }
        """;
}
