namespace Beryl.Media.Audio;

/// <summary>A snapshot of a <see cref="RoomSimulator"/>'s counters.</summary>
/// <param name="SpeakerFrames">Frames the render side has written to the speaker.</param>
/// <param name="MicrophoneFrames">Frames the capture side has read from the microphone.</param>
/// <param name="Underruns">Echo blocks that needed speaker samples not written yet (played as silence).</param>
/// <param name="Overruns">Speaker writes that found the ring full.</param>
/// <param name="DroppedSpeakerFrames">Speaker frames never played: written too late, or beyond a full ring.</param>
public readonly record struct RoomSimulatorStatistics(
    long SpeakerFrames, long MicrophoneFrames, long Underruns, long Overruns, long DroppedSpeakerFrames);
