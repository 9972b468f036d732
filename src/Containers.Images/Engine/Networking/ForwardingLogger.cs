using Microsoft.Extensions.Logging;

namespace Containers.Images.Engine.Networking;

/// <summary>
/// Hands a component that wants an <see cref="ILogger{T}"/> (a <see cref="Containers.Networking.Ports.PortForwarder"/>)
/// the engine's own logger, as the engine is given a logger, not a factory.
/// </summary>
internal sealed class ForwardingLogger<T>(ILogger inner) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, formatter);
}
