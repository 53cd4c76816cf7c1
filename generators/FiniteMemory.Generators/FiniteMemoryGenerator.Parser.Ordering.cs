using System;
using System.Collections.Generic;
using System.Linq;
using FiniteMemory.Generators.Support;

namespace FiniteMemory.Generators;

public sealed partial class FiniteMemoryGenerator
{
    internal static partial class Parser
    {
        /// <summary>
        /// Puts the stages in running order: attribute stages in declaration order; a method stage right after
        /// the stage its <c>After</c> names (the last of that name), right before the one its <c>Before</c>
        /// names (the first of that name), or, with neither, after every attribute stage in declaration order.
        /// A topological sort over those constraints, choosing among ready stages by where they want to be.
        /// </summary>
        private static List<StageNode> Order(List<StageNode> stages, int attributeStages, string policyName, List<DiagnosticInfo> diagnostics)
        {
            var count = stages.Count;
            var edges = new List<int>[count];
            var indegree = new int[count];
            for (var i = 0; i < count; i++)
            {
                edges[i] = [];
            }

            void Edge(int from, int to)
            {
                edges[from].Add(to);
                indegree[to]++;
            }

            for (var i = 0; i + 1 < attributeStages; i++)
            {
                Edge(i, i + 1);
            }

            var names = string.Join(", ", stages.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase));
            var anchorOf = new int?[count];
            var afterOf = new int[count];
            var beforeOf = new int[count];
            var valid = true;
            var previousFree = attributeStages > 0 ? attributeStages - 1 : -1;
            for (var m = attributeStages; m < count; m++)
            {
                var node = stages[m];
                afterOf[m] = beforeOf[m] = -1;
                if (node.After is not null)
                {
                    afterOf[m] = Find(node.After, last: true);
                    if (afterOf[m] < 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnknownStage, node.AfterLocation, node.Name, "After", node.After, policyName, names));
                        valid = false;
                    }
                    else
                    {
                        Edge(afterOf[m], m);
                    }
                }

                if (node.Before is not null)
                {
                    beforeOf[m] = Find(node.Before, last: false);
                    if (beforeOf[m] < 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnknownStage, node.BeforeLocation, node.Name, "Before", node.Before, policyName, names));
                        valid = false;
                    }
                    else
                    {
                        Edge(m, beforeOf[m]);
                    }
                }

                if (node.After is null && node.Before is null)
                {
                    if (previousFree >= 0)
                    {
                        Edge(previousFree, m);
                    }

                    previousFree = m;
                }
            }

            if (!valid)
            {
                return stages;
            }

            // Where each stage wants to be: attribute stage i at 2i, a method just after or before its anchor.
            var visiting = new bool[count];
            int Anchor(int i)
            {
                if (anchorOf[i] is { } known)
                {
                    return known;
                }

                if (i < attributeStages || visiting[i])
                {
                    return i < attributeStages ? 2 * i : 2 * attributeStages;
                }

                visiting[i] = true;
                var value = afterOf[i] >= 0 ? Anchor(afterOf[i]) + 1
                    : beforeOf[i] >= 0 ? Anchor(beforeOf[i]) - 1
                    : 2 * attributeStages + 1;
                visiting[i] = false;
                anchorOf[i] = value;
                return value;
            }

            var ready = new List<int>();
            for (var i = 0; i < count; i++)
            {
                if (indegree[i] == 0)
                {
                    ready.Add(i);
                }
            }

            var ordered = new List<StageNode>(count);
            while (ready.Count > 0)
            {
                var best = ready.OrderBy(Anchor).ThenBy(i => i).First();
                ready.Remove(best);
                ordered.Add(stages[best]);
                foreach (var next in edges[best])
                {
                    if (--indegree[next] == 0)
                    {
                        ready.Add(next);
                    }
                }
            }

            if (ordered.Count < count)
            {
                var cycle = FindCycle(edges, indegree);
                var first = stages[cycle[0]];
                diagnostics.Add(DiagnosticInfo.Create(
                    Diagnostics.StageCycle,
                    first.Location,
                    policyName,
                    string.Join(" → ", cycle.Select(i => stages[i].Name).Concat([first.Name]))));
                return stages;
            }

            return ordered;

            int Find(string name, bool last)
            {
                var matches = Enumerable.Range(0, count).Where(i => string.Equals(stages[i].Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
                return matches.Count == 0 ? -1 : last ? matches[matches.Count - 1] : matches[0];
            }
        }

        /// <summary>
        /// One cycle among the stages the sort could not place, in edge order, starting from its lowest index.
        /// Every such stage still has an unplaced predecessor, so walking predecessors must come back on itself.
        /// </summary>
        private static List<int> FindCycle(List<int>[] edges, int[] indegree)
        {
            var start = Array.FindIndex(indegree, d => d > 0);
            var seenAt = new Dictionary<int, int>();
            var walk = new List<int>();
            var current = start;
            while (!seenAt.ContainsKey(current))
            {
                seenAt[current] = walk.Count;
                walk.Add(current);
                current = Enumerable.Range(0, edges.Length).First(p => indegree[p] > 0 && edges[p].Contains(current));
            }

            // The walk went backwards along edges; the part from the repeat on, reversed, is the cycle in edge order.
            var cycle = walk.Skip(seenAt[current]).Reverse().ToList();
            var rotate = cycle.IndexOf(cycle.Min());
            return cycle.Skip(rotate).Concat(cycle.Take(rotate)).ToList();
        }
    }
}
