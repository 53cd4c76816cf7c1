using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <summary>
/// <inheritdoc cref="PinStage.KeepOpening" path="/summary/node()"/> The system and pinned messages and the
/// newest user message are kept by the engine before any policy stage runs (<see cref="PinStage.Run"/>), so a
/// bare <c>[Pin]</c> only documents that.
/// </summary>
/// <seealso cref="PinStage.KeepOpening"/>
[StageImplementation(typeof(PinStage), nameof(PinStage.KeepOpening))]
public sealed class PinAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="PinStage.KeepOpening" path="/param[@name='firstTurns']/node()"/></summary>
    public int FirstTurns { get; set; } = PinStage.DefaultFirstTurns;
}
