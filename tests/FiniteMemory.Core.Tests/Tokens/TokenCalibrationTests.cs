
namespace FiniteMemory.Tests.Tokens;

public class TokenCalibrationTests
{
    [Test]
    public async Task AnUncalibratedCounterScalesNothing()
    {
        var calibration = new TokenCalibration();
        await Assert.That(calibration.Ratio).IsEqualTo(1.0);
        await Assert.That(calibration.Apply(1234)).IsEqualTo(1234);
    }

    [Test]
    public async Task TheFirstObservationIsTakenWholeAndLaterOnesAreAveraged()
    {
        var calibration = new TokenCalibration();
        await Assert.That(calibration.Observe(1000, 1500)).IsTrue();
        await Assert.That(calibration.Ratio).IsEqualTo(1.5);

        calibration.Observe(1000, 1000); // weight 1/2
        await Assert.That(calibration.Ratio).IsEqualTo(1.25);

        calibration.Observe(1000, 1000); // weight 1/3
        await Assert.That(Math.Abs(calibration.Ratio - (1.25 - (0.25 / 3)))).IsLessThan(1e-12);

        calibration.Observe(1000, 1000); // weight max(0.3, 1/4) = 0.3
        var expected = (1.25 - (0.25 / 3)) * 0.7 + 0.3;
        await Assert.That(Math.Abs(calibration.Ratio - expected)).IsLessThan(1e-12);
        await Assert.That(calibration.Observations).IsEqualTo(4);
    }

    [Test]
    public async Task EstimatesAreScaledUpNeverDown()
    {
        var calibration = new TokenCalibration();
        calibration.Observe(1000, 1010);
        await Assert.That(calibration.Apply(10)).IsEqualTo(11); // 10.1 rounds up
    }

    [Test]
    public async Task OneOddResponseCannotMoveTheRatioOutOfBounds()
    {
        var calibration = new TokenCalibration();
        calibration.Observe(1000, 3900);
        await Assert.That(calibration.Ratio).IsEqualTo(TokenCalibration.MaxRatio);
        calibration.Observe(100_000, 50_001);
        await Assert.That(calibration.Ratio).IsGreaterThanOrEqualTo(TokenCalibration.MinRatio);

        // Reports far from the estimate are not learned from at all.
        await Assert.That(calibration.Observe(100, 1_000_000)).IsFalse();
        await Assert.That(calibration.Observe(100_000, 1)).IsFalse();
    }

    [Test]
    public async Task RequestsTooSmallToLearnFromAreIgnored()
    {
        var calibration = new TokenCalibration();
        await Assert.That(calibration.Observe(TokenCalibration.MinSampleTokens - 1, 100)).IsFalse();
        await Assert.That(calibration.Observe(500, 0)).IsFalse();
        await Assert.That(calibration.Observations).IsEqualTo(0);
        await Assert.That(calibration.Ratio).IsEqualTo(1.0);
    }

    [Test]
    public async Task RestoringAnOutOfRangeRatioIsRefused()
    {
        var calibration = new TokenCalibration();
        await Assert.That(() => calibration.Restore(3.0, 1)).ThrowsExactly<ArgumentOutOfRangeException>();
        await Assert.That(() => calibration.Restore(double.NaN, 1)).ThrowsExactly<ArgumentOutOfRangeException>();
        await Assert.That(() => calibration.Restore(1.2, -1)).ThrowsExactly<ArgumentOutOfRangeException>();
        calibration.Restore(1.2, 7);
        await Assert.That(calibration.Ratio).IsEqualTo(1.2);
        await Assert.That(calibration.Observations).IsEqualTo(7);
    }
}
