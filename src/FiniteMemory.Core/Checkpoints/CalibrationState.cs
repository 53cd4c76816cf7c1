using System.Text.Json.Serialization;

namespace FiniteMemory;

/// <summary>The learned token calibration.</summary>
internal sealed class CalibrationState
{
    [JsonPropertyName("ratio")]
    public double Ratio { get; set; } = 1.0;

    [JsonPropertyName("observations")]
    public int Observations { get; set; }
}
