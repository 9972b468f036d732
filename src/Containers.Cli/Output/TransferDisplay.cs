using System.Diagnostics;
using System.Text;
using Containers.Images;
using Containers.Images.Registry;

namespace Containers.Cli.Output;

/// <summary>
/// Shows a pull or push as docker does, one line per layer. On a terminal the lines are progress
/// bars redrawn in place (at most ten times a second); elsewhere each layer gets a plain line when
/// it finishes, so logs stay readable.
/// </summary>
internal sealed class TransferDisplay : IProgress<TransferProgress>
{
    private const int BarWidth = 50;
    private static readonly long RedrawTicks = Stopwatch.Frequency / 10;

    private readonly TextWriter _output;
    private readonly bool _terminal;
    private readonly Func<BlobTransferState, string> _doneText;
    private readonly Lock _lock = new();
    private readonly List<Digest> _order = [];
    private readonly Dictionary<Digest, TransferProgress> _latest = [];
    private int _drawn;
    private long _lastDraw;

    /// <param name="doneText">What a finished layer's line says, by how it finished ("Pull complete", "Already exists").</param>
    public TransferDisplay(TextWriter output, bool terminal, Func<BlobTransferState, string> doneText)
    {
        _output = output;
        _terminal = terminal;
        _doneText = doneText;
    }

    /// <summary>Whether <paramref name="output"/> is this process's stdout, and that a terminal.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public void Report(TransferProgress value)
    {
        // The config is not a layer; docker does not show it either.
        if (!value.MediaType.IsLayer)
        {
            return;
        }

        lock (_lock)
        {
            var known = _latest.TryGetValue(value.Digest, out var previous);
            _latest[value.Digest] = value;
            if (!known)
            {
                _order.Add(value.Digest);
            }

            if (_terminal)
            {
                var now = Stopwatch.GetTimestamp();
                if (previous?.State != value.State || now - _lastDraw >= RedrawTicks)
                {
                    _lastDraw = now;
                    Draw();
                }
            }
            else if (previous?.State != value.State && value.State is BlobTransferState.Done or BlobTransferState.Exists or BlobTransferState.Mounted or BlobTransferState.Retrying)
            {
                _output.WriteLine(Line(value));
            }
        }
    }

    /// <summary>Draws the final state (on a terminal; plain lines were written as layers finished).</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (_terminal)
            {
                Draw();
            }
        }
    }

    private void Draw()
    {
        var text = new StringBuilder();
        if (_drawn > 0)
        {
            text.Append("\e[").Append(_drawn).Append('A');
        }

        foreach (var digest in _order)
        {
            text.Append("\e[2K").Append(Line(_latest[digest])).Append('\n');
        }

        _drawn = _order.Count;
        _output.Write(text.ToString());
        _output.Flush();
    }

    private string Line(TransferProgress progress)
    {
        var id = progress.Digest.Hex[..12];
        return progress.State switch
        {
            BlobTransferState.Waiting => $"{id}: Waiting",
            BlobTransferState.Retrying => $"{id}: Retrying",
            BlobTransferState.Transferring => $"{id}: {Bar(progress)}",
            _ => $"{id}: {_doneText(progress.State)}",
        };
    }

    private static string Bar(TransferProgress progress)
    {
        var filled = progress.Size <= 0 ? BarWidth : (int)(BarWidth * Math.Clamp((double)progress.Bytes / progress.Size, 0, 1));
        var bar = filled >= BarWidth ? new string('=', BarWidth) : new string('=', filled) + ">" + new string(' ', BarWidth - filled - 1);
        return $"[{bar}]  {HumanUnits.Size(progress.Bytes)}/{HumanUnits.Size(progress.Size)}";
    }
}
