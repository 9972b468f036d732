using System.Globalization;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;

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
        var template = job.Spec.Template;
        var uid = job.Metadata.Uid ?? throw new ArgumentException($"job {job.Key} has no uid yet", nameof(job));
        var labels = new Dictionary<string, string>(template.Metadata.Labels, StringComparer.Ordinal);
        labels.TryAdd(BatchLabels.JobName, job.Name);
        labels.TryAdd(BatchLabels.LegacyJobName, job.Name);
        labels.TryAdd(BatchLabels.ControllerUid, uid);
        labels.TryAdd(BatchLabels.LegacyControllerUid, uid);
        var annotations = new Dictionary<string, string>(template.Metadata.Annotations, StringComparer.Ordinal);
        var spec = template.Spec;
        string generateName;
        if (index is { } i)
        {
            var text = i.ToString(CultureInfo.InvariantCulture);
            labels[BatchLabels.JobCompletionIndex] = text;
            annotations[BatchLabels.JobCompletionIndex] = text;
            spec = spec with
            {
                Hostname = $"{job.Name}-{text}",
                Containers = [.. spec.Containers.Select(WithIndexVariable)],
                InitContainers = [.. spec.InitContainers.Select(WithIndexVariable)],
            };
            generateName = Truncate(job.Name, $"-{text}-");
        }
        else
        {
            generateName = Truncate(job.Name, "-");
        }

        return new Pod
        {
            Metadata = new ObjectMeta
            {
                GenerateName = generateName,
                Namespace = job.Namespace,
                Labels = labels,
                Annotations = annotations,
                Finalizers = template.Metadata.Finalizers,
                OwnerReferences = [OwnerReference.ControllerOf(job)],
            },
            Spec = spec,
        };
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
