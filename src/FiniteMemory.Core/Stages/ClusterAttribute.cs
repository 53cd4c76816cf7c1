using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <inheritdoc cref="ClusterStage"/>
/// <seealso cref="ClusterStage.RunAsync"/>
[StageImplementation(typeof(ClusterStage), nameof(ClusterStage.RunAsync))]
public sealed class ClusterAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="ClusterStage.RunAsync" path="/param[@name='diversity']/node()"/></summary>
    public double Diversity { get; set; } = ClusterStage.DefaultDiversity;

    /// <summary><inheritdoc cref="ClusterStage.RunAsync" path="/param[@name='maxClusters']/node()"/></summary>
    public int MaxClusters { get; set; } = ClusterStage.DefaultMaxClusters;
}
