using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Controllers.Autoscaling;

namespace Containers.Orchestration.Tests.Controllers.Autoscaling;

public sealed class ScaleNormalizerTests
{
    private static readonly NamespacedName Key = new("default", "web");
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestCase("Max", 14)]
    [TestCase("Min", 12)]
    [TestCase("Disabled", 10)]
    public void ScaleUp_SelectPolicy_PicksTheLargestOrSmallestChange_OrNone(string select, int expected)
    {
        // From 10: Pods +2 → 12, Percent +40% → 14.
        var behavior = new HorizontalPodAutoscalerBehavior
        {
            ScaleUp = new HpaScalingRules
            {
                SelectPolicy = select,
                Policies = [new HpaScalingPolicy { Type = "Pods", Value = 2, PeriodSeconds = 60 }, new HpaScalingPolicy { Type = "Percent", Value = 40, PeriodSeconds = 60 }],
            },
        };
        var normalized = new ScaleNormalizer(new HorizontalPodAutoscalerOptions()).Normalize(Key, behavior, current: 10, desired: 30, min: 1, max: 50, Now);
        Assert.That(normalized.Replicas, Is.EqualTo(expected));
        Assert.That(normalized.Limited, Is.True);
    }

    [TestCase("Max", 6)]
    [TestCase("Min", 8)]
    [TestCase("Disabled", 10)]
    public void ScaleDown_SelectPolicy_PicksTheLargestOrSmallestChange_OrNone(string select, int expected)
    {
        // From 10: Pods -2 → 8, Percent -40% → 6.
        var behavior = new HorizontalPodAutoscalerBehavior
        {
            ScaleDown = new HpaScalingRules
            {
                StabilizationWindowSeconds = 0,
                SelectPolicy = select,
                Policies = [new HpaScalingPolicy { Type = "Pods", Value = 2, PeriodSeconds = 60 }, new HpaScalingPolicy { Type = "Percent", Value = 40, PeriodSeconds = 60 }],
            },
        };
        var normalized = new ScaleNormalizer(new HorizontalPodAutoscalerOptions()).Normalize(Key, behavior, current: 10, desired: 1, min: 1, max: 50, Now);
        Assert.That(normalized.Replicas, Is.EqualTo(expected));
    }

    [Test]
    public void ScaleUpStabilizationWindow_TakesTheLowestRecentRecommendation()
    {
        var behavior = new HorizontalPodAutoscalerBehavior { ScaleUp = new HpaScalingRules { StabilizationWindowSeconds = 60 } };
        var normalizer = new ScaleNormalizer(new HorizontalPodAutoscalerOptions());
        normalizer.RecordInitial(Key, 3, Now);
        var first = normalizer.Normalize(Key, behavior, current: 3, desired: 6, min: 1, max: 50, Now.AddSeconds(15));
        Assert.That(first.Replicas, Is.EqualTo(3), "3 was recommended within the last 60 s");
        Assert.That(first.AbleReason, Is.EqualTo("ScaleUpStabilized"));
        var later = normalizer.Normalize(Key, behavior, current: 3, desired: 6, min: 1, max: 50, Now.AddSeconds(61));
        Assert.That(later.Replicas, Is.EqualTo(6));
    }
}
