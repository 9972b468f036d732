namespace Containers.Images.Layers.Apply;

/// <summary>Told what each layer removes from the layers below it, so that a squash can carry it.</summary>
internal interface IRemovalObserver
{
    /// <summary>A whiteout, or a directory entry replacing a non-directory, removed <paramref name="path"/> as the layers below left it.</summary>
    void PathRemoved(string path);

    /// <summary>An opaque whiteout hid every child the layers below gave <paramref name="directory"/>.</summary>
    void ChildrenRemoved(string directory);
}
