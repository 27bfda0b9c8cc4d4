// Stubs of the few UnityEngine types the Unity package's scripts use, with Unity's names and signatures, so that
// UnityCheck.csproj compiles them as Unity would. They are never run. Add a member here when a script needs one,
// copying its signature from Unity's scripting reference.
using System;

namespace UnityEngine
{
    public class Object
    {
        public string name { get; set; }

        public static void Destroy(Object obj) => throw new NotSupportedException("stub");
    }

    public class Component : Object
    {
        public T GetComponent<T>() => throw new NotSupportedException("stub");
    }

    public class Behaviour : Component
    {
        public bool enabled { get; set; }
    }

    public class MonoBehaviour : Behaviour
    {
    }

    public static class Debug
    {
        public static void Log(object message) => throw new NotSupportedException("stub");

        public static void LogError(object message) => throw new NotSupportedException("stub");
    }

    public static class Application
    {
        public static string streamingAssetsPath => throw new NotSupportedException("stub");
    }

    public static class Random
    {
        public static int Range(int minInclusive, int maxExclusive) => throw new NotSupportedException("stub");

        public static float Range(float minInclusive, float maxInclusive) => throw new NotSupportedException("stub");
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public class TooltipAttribute : Attribute
    {
        public TooltipAttribute(string tooltip) => this.tooltip = tooltip;

        public readonly string tooltip;
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class RangeAttribute : Attribute
    {
        public RangeAttribute(float min, float max) => (this.min, this.max) = (min, max);

        public readonly float min;
        public readonly float max;
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
    public sealed class RequireComponent : Attribute
    {
        public RequireComponent(Type requiredComponent) { }

        public RequireComponent(Type requiredComponent, Type requiredComponent2) { }

        public RequireComponent(Type requiredComponent, Type requiredComponent2, Type requiredComponent3) { }
    }

    public enum TextureFormat
    {
        RGBA32 = 4,
    }

    public enum FilterMode
    {
        Point = 0,
        Bilinear = 1,
        Trilinear = 2,
    }

    public enum TextureWrapMode
    {
        Repeat = 0,
        Clamp = 1,
    }

    public class Texture : Object
    {
        public virtual int width { get; set; }
        public virtual int height { get; set; }
        public FilterMode filterMode { get; set; }
        public TextureWrapMode wrapMode { get; set; }
    }

    public sealed class Texture2D : Texture
    {
        public Texture2D(int width, int height, TextureFormat textureFormat, bool mipChain) { }
    }

    /// <summary>Unity's PNG encoding and decoding: extension methods on Texture2D.</summary>
    public static class ImageConversion
    {
        public static byte[] EncodeToPNG(this Texture2D tex) => throw new NotSupportedException("stub");

        public static bool LoadImage(this Texture2D tex, byte[] data) => throw new NotSupportedException("stub");
    }

    public sealed class GUILayoutOption
    {
    }

    public static class GUILayout
    {
        public static bool Button(string text, params GUILayoutOption[] options) => throw new NotSupportedException("stub");

        public static void Label(string text, params GUILayoutOption[] options) => throw new NotSupportedException("stub");

        public static void Label(Texture image, params GUILayoutOption[] options) => throw new NotSupportedException("stub");

        public static void BeginHorizontal(params GUILayoutOption[] options) => throw new NotSupportedException("stub");

        public static void EndHorizontal() => throw new NotSupportedException("stub");

        public static GUILayoutOption Width(float width) => throw new NotSupportedException("stub");

        public static GUILayoutOption Height(float height) => throw new NotSupportedException("stub");
    }
}
