using Containers.Cgroups;
using Containers.Cgroups.Devices;

namespace Containers.Core.Tests.Cgroups.Devices;

public sealed class DeviceRuleSetTests
{
    private static CgroupDeviceRule Deny(CgroupDeviceType type, long? major, long? minor, string access) => new(false, type, major, minor, access);

    private static CgroupDeviceRule Allow(CgroupDeviceType type, long? major, long? minor, string access) => new(true, type, major, minor, access);

    [Test]
    public void From_NoRules_AllowsEverything()
    {
        var set = DeviceRuleSet.From([]);
        Assert.That((set.DefaultAllow, set.Exceptions.Count), Is.EqualTo((true, 0)));
    }

    [Test]
    public void From_DenyAllThenAllows_IsDenyWithTheAllowsAsExceptions()
    {
        var set = DeviceRuleSet.From(
        [
            Deny(CgroupDeviceType.All, null, null, "rwm"),
            Allow(CgroupDeviceType.Char, null, null, "m"),
            Allow(CgroupDeviceType.Char, 1, 3, "rwm"),
            Allow(CgroupDeviceType.Char, 136, null, "rwm"),
        ]);

        Assert.That(set.DefaultAllow, Is.False);
        Assert.That(set.Exceptions, Is.EqualTo(new[]
        {
            new DeviceException(CgroupDeviceType.Char, null, null, DeviceAccess.Mknod),
            new DeviceException(CgroupDeviceType.Char, 1, 3, DeviceAccess.All),
            new DeviceException(CgroupDeviceType.Char, 136, null, DeviceAccess.All),
        }));
    }

    [Test]
    public void From_AllowAllLater_ForgetsEverythingBefore()
    {
        var set = DeviceRuleSet.From([Deny(CgroupDeviceType.All, null, null, "rwm"), Allow(CgroupDeviceType.Char, 1, 3, "r"), Allow(CgroupDeviceType.All, null, null, "rwm")]);
        Assert.That((set.DefaultAllow, set.Exceptions.Count), Is.EqualTo((true, 0)));
    }

    [Test]
    public void From_DenyAgreeingWithTheDefault_TakesAccessesBackFromExceptions()
    {
        var set = DeviceRuleSet.From(
        [
            Deny(CgroupDeviceType.All, null, null, "rwm"),
            Allow(CgroupDeviceType.Char, 1, 3, "rwm"),
            Allow(CgroupDeviceType.Char, 1, 5, "rw"),
            Deny(CgroupDeviceType.Char, 1, 3, "w"),
            Deny(CgroupDeviceType.Char, null, null, "rw"),
        ]);

        Assert.That(set.Exceptions, Is.EqualTo(new[] { new DeviceException(CgroupDeviceType.Char, 1, 3, DeviceAccess.Mknod) }));
    }

    [Test]
    public void From_RepeatedAllow_MergesAccesses()
    {
        var set = DeviceRuleSet.From([Deny(CgroupDeviceType.All, null, null, "rwm"), Allow(CgroupDeviceType.Block, 8, 0, "r"), Allow(CgroupDeviceType.Block, 8, 0, "w")]);
        Assert.That(set.Exceptions, Is.EqualTo(new[] { new DeviceException(CgroupDeviceType.Block, 8, 0, DeviceAccess.Read | DeviceAccess.Write) }));
    }

    [Test]
    public void Program_HasOneBlockPerException_AndEndsWithTheDefault()
    {
        var set = DeviceRuleSet.From([Deny(CgroupDeviceType.All, null, null, "rwm"), Allow(CgroupDeviceType.Char, 1, 3, "rwm"), Allow(CgroupDeviceType.Char, 5, null, "r")]);
        var program = DeviceFilterProgram.Build(set);

        // 6 loads, c 1:3 rwm: 3 tests + return, c 5:* r: 2 moves + 3 tests + return, then the default return.
        Assert.That(program.Length / 8, Is.EqualTo(6 + (3 + 2) + (2 + 3 + 2) + 2));
        Assert.That(program[^8], Is.EqualTo(0x95), "the program ends with exit");
        Assert.That(program[^16..^8][4], Is.EqualTo(0), "the default denies");
    }
}
