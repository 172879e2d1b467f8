"""aiortc on the other end of Beryl's interop tests.

Signaling is one JSON object a line: descriptions go out on stdout and come in on stdin;
progress and errors go to stderr. With --ws or --post the peer calls a Beryl node instead, over its
WebSocket signaling (trickled candidates) or its POST /offer (candidates in the SDP); stdout then
carries only progress. The peer sends a known test signal (the same function as
InteropSignal.cs) and records what it receives to a WAV file, which the test checks.
Only loopback addresses are gathered, so no packet leaves the machine.
"""
import argparse
import asyncio
import fractions
import json
import math
import sys
import time
import urllib.request
import wave

import aioice.ice
from av import AudioFrame
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.sdp import candidate_from_sdp

SAMPLE_RATE = 8000
FRAME_SAMPLES = 160

# Keep every candidate on loopback: the tests may never send to another address.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


def test_signal(n):
    """A 300 Hz to 3 kHz linear chirp of one second, repeated, at a quarter of full scale."""
    period = SAMPLE_RATE
    t = (n % period) / SAMPLE_RATE
    f0, f1 = 300.0, 3000.0
    phase = 2 * math.pi * (f0 * t + 0.5 * (f1 - f0) * t * t)
    return int(round(8192 * math.sin(phase)))


class ChirpTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(self):
        super().__init__()
        self._sent = 0
        self._start = None

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            wait = self._start + self._sent / SAMPLE_RATE - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
        samples = [test_signal(self._sent + i) for i in range(FRAME_SAMPLES)]
        frame = AudioFrame(format="s16", layout="mono", samples=FRAME_SAMPLES)
        frame.planes[0].update(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
        frame.pts = self._sent
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._sent += FRAME_SAMPLES
        return frame


def log(*args):
    print("aiortc:", *args, file=sys.stderr, flush=True)


def emit(obj):
    print(json.dumps(obj), flush=True)


async def read_message(reader):
    line = await reader.readline()
    if not line:
        raise RuntimeError("signaling closed")
    return json.loads(line)


async def record(track, pcm, rate, done):
    """Appends the first channel of every received frame to pcm; rate gets the frames' sample rate."""
    try:
        while not done.is_set():
            frame = await track.recv()
            channels = len(frame.layout.channels)
            interleaved = frame.to_ndarray().reshape(-1)
            pcm.extend(int(v) for v in interleaved[::channels][: frame.samples])
            rate[0] = frame.sample_rate
    except MediaStreamError:
        pass


async def call_over_websocket(pc, url, tasks):
    """Offers over a node's WebSocket signaling; the node's trickled candidates keep arriving in the background."""
    import websockets

    socket = await websockets.connect(url)
    await socket.send(json.dumps({"type": "offer", "sdp": pc.localDescription.sdp}))
    while True:
        message = json.loads(await socket.recv())
        if message["type"] == "answer":
            break
        if message["type"] == "error":
            raise RuntimeError("the node refused the offer: " + message["message"])
    await pc.setRemoteDescription(RTCSessionDescription(sdp=message["sdp"], type="answer"))

    async def trickle():
        async for text in socket:
            message = json.loads(text)
            if message["type"] == "candidate" and message.get("candidate"):
                candidate = candidate_from_sdp(message["candidate"].split(":", 1)[1])
                candidate.sdpMid = message.get("sdpMid")
                candidate.sdpMLineIndex = message.get("sdpMLineIndex")
                await pc.addIceCandidate(candidate)
            elif message["type"] == "error":
                log("node error", message["message"])

    tasks.append(asyncio.ensure_future(trickle()))
    return socket


def call_over_post(pc, url):
    """Offers with every candidate in the SDP to a node's POST /offer and returns its answer's SDP."""
    body = json.dumps({"type": "offer", "sdp": pc.localDescription.sdp}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["sdp"]


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", choices=["offer", "answer"], required=True)
    parser.add_argument("--ws", help="call a Beryl node over its WebSocket signaling at this URL")
    parser.add_argument("--post", help="call a Beryl node through its POST /offer at this URL")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--record", required=True)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    connected = asyncio.Event()
    failed = asyncio.Event()
    done = asyncio.Event()
    pcm = []
    rate = [SAMPLE_RATE]
    recorders = []

    @pc.on("connectionstatechange")
    async def on_state():
        log("connection state", pc.connectionState)
        emit({"type": "state", "state": pc.connectionState})
        if pc.connectionState == "connected":
            connected.set()
        elif pc.connectionState == "failed":
            failed.set()

    @pc.on("track")
    def on_track(track):
        log("track", track.kind)
        recorders.append(asyncio.ensure_future(record(track, pcm, rate, done)))

    pc.addTrack(ChirpTrack())

    socket = None
    if args.ws or args.post:
        # aiortc gathers every candidate before setLocalDescription returns, so the offer carries them all.
        await pc.setLocalDescription(await pc.createOffer())
        if args.ws:
            socket = await call_over_websocket(pc, args.ws, recorders)
        else:
            answer = await loop.run_in_executor(None, call_over_post, pc, args.post)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    elif args.role == "offer":
        await pc.setLocalDescription(await pc.createOffer())
        emit({"type": "offer", "sdp": pc.localDescription.sdp})
        answer = await read_message(reader)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
    else:
        offer = await read_message(reader)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        emit({"type": "answer", "sdp": pc.localDescription.sdp})

    waiter = asyncio.ensure_future(connected.wait())
    failer = asyncio.ensure_future(failed.wait())
    await asyncio.wait([waiter, failer], timeout=args.timeout, return_when=asyncio.FIRST_COMPLETED)
    if not connected.is_set():
        emit({"type": "error", "error": "not connected"})
        await pc.close()
        return 1

    await asyncio.sleep(args.seconds)
    done.set()
    if socket is not None:
        await socket.send(json.dumps({"type": "bye"}))
        await socket.close()
    await pc.close()
    for task in recorders:
        task.cancel()

    with wave.open(args.record, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate[0])
        out.writeframes(b"".join(int(s).to_bytes(2, "little", signed=True) for s in pcm))
    emit({"type": "done", "samples": len(pcm), "rate": rate[0]})
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
