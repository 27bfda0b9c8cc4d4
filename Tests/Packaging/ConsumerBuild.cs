namespace VaeCreative.Tests.Packaging;

/// <summary>The consumer apps built against the local feed, in <see cref="Root"/>; <see cref="Packages"/> is their own packages folder.</summary>
public sealed record ConsumerBuild(string Root, string Packages, double BuildSeconds)
{
    public string Dll(string app) => Path.Combine(Root, app, "bin", "Release", "net10.0", app + ".dll");

    public string AssetsFile(string app) => Path.Combine(Root, app, "obj", "project.assets.json");

    /// <summary>The compiled example of package <paramref name="id"/>'s README.</summary>
    public string SnippetDll(string id) => Path.Combine(Root, "Snippets", id, "bin", "Release", "net10.0", id + ".Snippet.dll");
}
