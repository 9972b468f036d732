using System.Runtime.InteropServices;

namespace Containers.Testing;

/// <summary>The <c>auth:</c> sections of a registry that wants credentials, with the files they name.</summary>
internal sealed partial class RegistryServer
{
    // crypt(3) answers in a static buffer.
    private static readonly Lock CryptLock = new();

    /// <summary>
    /// Basic authentication for <paramref name="users"/> (name, password): writes an htpasswd file
    /// into <paramref name="directory"/> (the test's, which outlives the server) and returns the
    /// <c>auth:</c> section naming it.
    /// </summary>
    public static string HtpasswdAuth(string directory, params (string User, string Password)[] users)
    {
        var path = Path.Combine(directory, "htpasswd");
        File.WriteAllText(path, string.Concat(users.Select(u => HtpasswdLine(u.User, u.Password))));
        return $"  htpasswd:\n    realm: basic-realm\n    path: {path}\n";
    }

    /// <summary>
    /// One htpasswd line, the password hashed with bcrypt (the only hash distribution accepts) by
    /// the system's libcrypt, so no htpasswd tool is needed.
    /// </summary>
    public static string HtpasswdLine(string user, string password)
    {
        lock (CryptLock)
        {
            var setting = Marshal.PtrToStringUTF8(crypt_gensalt("$2b$", 5, IntPtr.Zero, 0))
                ?? throw new InvalidOperationException("libcrypt has no bcrypt (crypt_gensalt failed)");
            var hash = Marshal.PtrToStringUTF8(crypt(password, setting));
            return hash is { Length: > 0 } && hash.StartsWith("$2", StringComparison.Ordinal)
                ? $"{user}:{hash}\n"
                : throw new InvalidOperationException("libcrypt could not make a bcrypt hash");
        }
    }

    /// <summary>Token authentication: the registry trusts tokens signed by a key whose certificate chain ends in <paramref name="rootCertBundle"/>.</summary>
    public static string TokenAuth(string realm, string service, string issuer, string rootCertBundle) =>
        $"  token:\n    realm: {realm}\n    service: {service}\n    issuer: {issuer}\n    rootcertbundle: {rootCertBundle}\n";

    [DllImport("libcrypt.so.1", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr crypt(string phrase, string setting);

    [DllImport("libcrypt.so.1", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr crypt_gensalt(string prefix, ulong count, IntPtr randomBytes, int randomLength);
}
