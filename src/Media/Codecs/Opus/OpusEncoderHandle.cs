using Microsoft.Win32.SafeHandles;

namespace Beryl.Media.Codecs.Opus;

/// <summary>An <c>OpusEncoder*</c>, destroyed with <c>opus_encoder_destroy</c>.</summary>
internal sealed class OpusEncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Created by the marshaller around the pointer <c>opus_encoder_create</c> returns.</summary>
    public OpusEncoderHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        OpusNative.opus_encoder_destroy(handle);
        return true;
    }
}
