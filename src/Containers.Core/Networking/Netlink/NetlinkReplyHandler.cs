namespace Containers.Networking.Netlink;

/// <summary>Receives one reply message of a netlink request.</summary>
internal delegate void NetlinkReplyHandler(in NetlinkMessage reply);
