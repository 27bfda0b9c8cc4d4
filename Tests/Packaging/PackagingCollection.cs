namespace VaeCreative.Tests.Packaging;

/// <summary>The packaging tests share one packed feed (and its consumer build).</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packaging";
}
