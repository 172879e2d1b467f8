using Microsoft.Win32.SafeHandles;

namespace Beryl.Media.Codecs.Opus;

/// <summary>An <c>OpusDecoder*</c>, destroyed with <c>opus_decoder_destroy</c>.</summary>
internal sealed class OpusDecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Created by the marshaller around the pointer <c>opus_decoder_create</c> returns.</summary>
    public OpusDecoderHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        OpusNative.opus_decoder_destroy(handle);
        return true;
    }
}
