using System.Collections;
using System.Reflection;
using System.Text;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Tests.Api;

/// <summary>Guards the object model's rules over every registered kind.</summary>
public sealed class ObjectModelTests
{
    private static IEnumerable<ResourceType> Kinds => ResourceRegistry.Default.All;

    [TestCaseSource(nameof(Kinds))]
    public void NewObject_CarriesItsRegisteredApiVersionAndKind(ResourceType type)
    {
        var obj = (KubeObject)Activator.CreateInstance(type.ClrType)!;

        Assert.That(obj.TypeMeta, Is.EqualTo(type.TypeMeta));
        Assert.That(ResourceRegistry.Default.Get(obj), Is.SameAs(type));
    }

    [TestCaseSource(nameof(Kinds))]
    public void Decoded_BareObject_HasNoNullWhereTheTypeSaysNotNull(ResourceType type)
    {
        var obj = KubeJson.Deserialize(Encoding.UTF8.GetBytes($$"""{"apiVersion":"{{type.ApiVersion}}","kind":"{{type.Kind}}"}"""));

        var nulls = new List<string>();
        Walk(obj, type.Kind, nulls, depth: 0);

        Assert.That(nulls, Is.Empty);
    }

    [TestCaseSource(nameof(Kinds))]
    public void Decoded_ExplicitNulls_ReadAsEmpty(ResourceType type)
    {
        var obj = KubeJson.Deserialize(Encoding.UTF8.GetBytes(
            $$"""{"apiVersion":"{{type.ApiVersion}}","kind":"{{type.Kind}}","metadata":{"labels":null,"finalizers":null},"spec":null}"""));

        Assert.That(obj.Metadata.Labels, Is.Not.Null);
        Assert.That(obj.Metadata.Finalizers, Is.Not.Null);
    }

    private static readonly NullabilityInfoContext Nullability = new();

    // Walks the defaults the getters give: every non-nullable reference property must read non-null.
    private static void Walk(object obj, string path, List<string> nulls, int depth)
    {
        if (depth > 12)
        {
            return;
        }

        foreach (var property in obj.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.PropertyType.IsValueType)
            {
                continue;
            }

            var value = property.GetValue(obj);
            var here = $"{path}.{property.Name}";
            if (value is null)
            {
                if (Nullability.Create(property).ReadState == NullabilityState.NotNull)
                {
                    nulls.Add(here);
                }

                continue;
            }

            if (value is not string && value is not IEnumerable && property.PropertyType.Namespace!.StartsWith("Containers.Orchestration", StringComparison.Ordinal))
            {
                Walk(value, here, nulls, depth + 1);
            }
        }
    }
}
