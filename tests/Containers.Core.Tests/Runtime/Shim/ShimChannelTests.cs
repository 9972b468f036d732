using Containers.Errors;
using Containers.Linux;
using Containers.Runtime.Shim;

namespace Containers.Core.Tests.Runtime.Shim;

public sealed class ShimChannelTests
{
    [Test]
    public void Send_AfterTheShimHasGone_IsUnavailableNotAnIoError()
    {
        var (channel, peer) = ShimChannel.CreatePair();
        using (channel)
        {
            // The shim's end closes, as when it exits after reaping the container.
            LibC.Close(peer);

            var error = Assert.Throws<UnavailableException>(() => channel.Send("state"));
            Assert.That(error!.Message, Does.Contain("shim has exited"));
        }
    }
}
