// The package's demo: three buttons that ask a running VaeCreative host for variations of a MIDI clip, a line of text
// and a sprite, and show what comes back. Put it on a GameObject with the three components (README.md beside it).
using UnityEngine;
using VaeCreative.Unity;

[RequireComponent(typeof(VaeCreativeVariations), typeof(VaeCreativeTextVariations), typeof(VaeCreativeSpriteVariations))]
public sealed class VaeCreativeDemo : MonoBehaviour
{
    private VaeCreativeVariations melodies;
    private VaeCreativeTextVariations lines;
    private VaeCreativeSpriteVariations sprites;

    private void Awake()
    {
        melodies = GetComponent<VaeCreativeVariations>();
        lines = GetComponent<VaeCreativeTextVariations>();
        sprites = GetComponent<VaeCreativeSpriteVariations>();
    }

    private void OnGUI()
    {
        if (GUILayout.Button("Vary the melody")) melodies.RequestVariations();
        GUILayout.Label($"{melodies.Variations.Count} MIDI variations (bytes of .mid files: hand them to your MIDI player)");

        if (GUILayout.Button("Vary the line")) lines.RequestVariations();
        foreach (var line in lines.Variations) GUILayout.Label(line);

        if (GUILayout.Button("Vary the sprite")) sprites.RequestVariants();
        GUILayout.BeginHorizontal();
        foreach (var texture in sprites.Variants) GUILayout.Label(texture, GUILayout.Width(64), GUILayout.Height(64));
        GUILayout.EndHorizontal();
    }
}
