using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Containers.Images;

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code, for the small documents a short command hashes: a
/// manifest, a config, a chain id. On Linux the platform's SHA-256 is OpenSSL, whose first use
/// loads libssl and libcrypto and reads openssl.cnf, some 2.5 ms that a whole
/// <c>containers run</c> cannot afford for two kilobytes. OpenSSL's SHA-NI code stays the choice
/// for layers, where throughput matters and its start-up is nothing.
/// </summary>
internal struct ManagedSha256
{
    public const int HashSize = 32;
    private const int BlockSize = 64;

    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private State _state;
    private Block _pending;
    private int _pendingLength;
    private ulong _length;

    /// <summary>A hasher at the start of its input.</summary>
    public static ManagedSha256 Create()
    {
        var hasher = default(ManagedSha256);
        hasher._state = State.Initial;
        return hasher;
    }

    /// <summary>Hashes <paramref name="data"/> into the first 32 bytes of <paramref name="destination"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hasher = Create();
        hasher.Append(data);
        hasher.Finish(destination);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        if (_pendingLength > 0)
        {
            var take = Math.Min(BlockSize - _pendingLength, data.Length);
            data[..take].CopyTo(((Span<byte>)_pending)[_pendingLength..]);
            _pendingLength += take;
            data = data[take..];
            if (_pendingLength < BlockSize)
            {
                return;
            }

            Compress(ref _state, _pending);
            _pendingLength = 0;
        }

        while (data.Length >= BlockSize)
        {
            Compress(ref _state, data[..BlockSize]);
            data = data[BlockSize..];
        }

        data.CopyTo(_pending);
        _pendingLength = data.Length;
    }

    /// <summary>Pads, writes the hash into <paramref name="destination"/>, and leaves the hasher spent.</summary>
    public void Finish(Span<byte> destination)
    {
        var bits = _length * 8;
        Span<byte> tail = stackalloc byte[BlockSize * 2];
        tail.Clear();
        ((ReadOnlySpan<byte>)_pending)[.._pendingLength].CopyTo(tail);
        tail[_pendingLength] = 0x80;

        // The length goes in the last 8 bytes of the block that has room for it after the 0x80.
        var blocks = _pendingLength + 1 + 8 <= BlockSize ? 1 : 2;
        BinaryPrimitives.WriteUInt64BigEndian(tail[((blocks * BlockSize) - 8)..], bits);
        for (var i = 0; i < blocks; i++)
        {
            Compress(ref _state, tail.Slice(i * BlockSize, BlockSize));
        }

        ReadOnlySpan<uint> words = _state;
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i * 4)..], words[i]);
        }
    }

    private static void Compress(ref State state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        }

        for (var t = 16; t < 64; t++)
        {
            var w15 = w[t - 15];
            var w2 = w[t - 2];
            var s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
            var s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        Span<uint> h = state;
        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        var k = K;
        for (var t = 0; t < 64; t++)
        {
            var sigma1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            var choose = (e & f) ^ (~e & g);
            var t1 = hh + sigma1 + choose + k[t] + w[t];
            var sigma0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            var majority = (a & b) ^ (a & c) ^ (b & c);
            var t2 = sigma0 + majority;
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }

    [InlineArray(8)]
    private struct State
    {
        private uint _word;

        public static State Initial
        {
            get
            {
                var state = default(State);
                Span<uint> h = state;
                h[0] = 0x6a09e667;
                h[1] = 0xbb67ae85;
                h[2] = 0x3c6ef372;
                h[3] = 0xa54ff53a;
                h[4] = 0x510e527f;
                h[5] = 0x9b05688c;
                h[6] = 0x1f83d9ab;
                h[7] = 0x5be0cd19;
                return state;
            }
        }
    }

    [InlineArray(BlockSize)]
    private struct Block
    {
        private byte _byte;
    }
}
