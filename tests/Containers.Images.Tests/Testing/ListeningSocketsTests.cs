using Containers.Images.Testing.Strategies;

namespace Containers.Images.Tests.Testing;

public sealed class ListeningSocketsTests
{
    private const string Tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1081 1 0 100 0 0 10 0
           1: 0100007F:0050 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 1082 1 0 100 0 0 10 0
        """;

    private const string Tcp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000000000000:1A0B 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0 100 0 0 10 0
        """;

    [TestCase(Tcp, 8080, true)]
    [TestCase(Tcp, 80, false)]
    [TestCase(Tcp6, 6667, true)]
    [TestCase(Tcp6, 8080, false)]
    [TestCase("", 8080, false)]
    public void IsListening_FindsOnlyListeningSocketsOnThePort(string table, int port, bool listening) =>
        Assert.That(ListeningSockets.IsListening(table, port), Is.EqualTo(listening));
}
