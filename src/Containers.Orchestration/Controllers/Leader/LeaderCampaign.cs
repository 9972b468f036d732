namespace Containers.Orchestration.Controllers.Leader;

/// <summary>The loop every elected component runs: campaign, lead for a term, and campaign again once the term is lost.</summary>
public static class LeaderCampaign
{
    /// <summary>
    /// Campaigns under <paramref name="name"/> and runs <paramref name="lead"/> for each term won,
    /// with a token that fires when the term is lost or <paramref name="cancellationToken"/> is
    /// cancelled; after a lost term it calls <paramref name="lost"/> and campaigns again. Returns
    /// once <paramref name="cancellationToken"/> is cancelled, stepping down if it leads.
    /// </summary>
    public static async Task RunAsync(
        this ILeaderElector elector,
        string name,
        Func<ILeadership, CancellationToken, Task> lead,
        Action<ILeadership>? lost,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(elector);
        ArgumentNullException.ThrowIfNull(lead);
        while (!cancellationToken.IsCancellationRequested)
        {
            ILeadership leadership;
            try
            {
                leadership = await elector.AcquireAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await using (leadership.ConfigureAwait(false))
            {
                using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, leadership.Lost);
                await lead(leadership, term.Token).ConfigureAwait(false);
                if (leadership.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    lost?.Invoke(leadership);
                }
            }
        }
    }
}
