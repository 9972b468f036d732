namespace Containers.Images.Testing;

/// <summary>The local images under the default root (<see cref="ContainersPaths.DefaultRoot"/>), where <see cref="ContainerBuilder.WithImage(string)"/> looks unless told otherwise; opened on first use.</summary>
internal static class DefaultLocalImages
{
    private static readonly Lazy<LocalImages> Images = new(() => new LocalImages(ContainersPaths.DefaultRoot));

    public static LocalImages Instance => Images.Value;
}
