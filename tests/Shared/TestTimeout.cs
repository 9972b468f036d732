// Every test of the assembly fails after two minutes instead of holding the whole run: a test
// that waits forever on a container (or a peer) then names itself, and its teardown still runs.
// The longest test takes about 5 s. NUnit marks Timeout obsolete on .NET because it cannot abort
// the thread; abandoning it is what we want here.
#pragma warning disable CS0618
[assembly: NUnit.Framework.Timeout(120_000)]
#pragma warning restore CS0618
