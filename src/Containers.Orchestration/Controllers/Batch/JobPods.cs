using System.Globalization;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Workloads;

namespace Containers.Orchestration.Controllers.Batch;

/// <summary>
/// Makes a Job's pods from its template: owned by the Job (a controller reference), labelled with
/// its name and uid, and, in Indexed mode, carrying their completion index as a label, an
/// annotation and the JOB_COMPLETION_INDEX variable, with hostname <c>&lt;job&gt;-&lt;index&gt;</c>.
/// </summary>
internal static class JobPods
{
    /// <summary>The longest generateName prefix the API server keeps whole (63 less its 5-letter suffix).</summary>
    private const int MaxGeneratedNameLength = 58;

    private static readonly string IndexFieldPath = $"metadata.annotations['{BatchLabels.JobCompletionIndex}']";

    public static Pod Create(Job job, int? index)
    {
        var uid = job.Metadata.Uid ?? throw new ArgumentException($"job {job.Key} has no uid yet", nameof(job));
        var text = index?.ToString(CultureInfo.InvariantCulture);
        var pod = PodStates.FromTemplate(job.Spec.Template, job, generateName: Truncate(job.Name, text is null ? "-" : $"-{text}-"));
        var labels = new Dictionary<string, string>(pod.Metadata.Labels, StringComparer.Ordinal);
        labels.TryAdd(BatchLabels.JobName, job.Name);
        labels.TryAdd(BatchLabels.LegacyJobName, job.Name);
        labels.TryAdd(BatchLabels.ControllerUid, uid);
        labels.TryAdd(BatchLabels.LegacyControllerUid, uid);
        if (text is null)
        {
            return pod with { Metadata = pod.Metadata with { Labels = labels } };
        }

        labels[BatchLabels.JobCompletionIndex] = text;
        var annotations = new Dictionary<string, string>(pod.Metadata.Annotations, StringComparer.Ordinal) { [BatchLabels.JobCompletionIndex] = text };
        var spec = pod.Spec with
        {
            Hostname = $"{job.Name}-{text}",
            Containers = [.. pod.Spec.Containers.Select(WithIndexVariable)],
            InitContainers = [.. pod.Spec.InitContainers.Select(WithIndexVariable)],
        };
        return pod with { Metadata = pod.Metadata with { Labels = labels, Annotations = annotations }, Spec = spec };
    }

    private static Container WithIndexVariable(Container container)
    {
        if (container.Env.Any(e => e.Name == BatchLabels.JobCompletionIndexEnv))
        {
            return container;
        }

        var variable = new EnvVar
        {
            Name = BatchLabels.JobCompletionIndexEnv,
            ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = IndexFieldPath } },
        };
        return container with { Env = [.. container.Env, variable] };
    }

    private static string Truncate(string name, string suffix) =>
        name.Length + suffix.Length > MaxGeneratedNameLength ? name[..(MaxGeneratedNameLength - suffix.Length)] + suffix : name + suffix;
}
