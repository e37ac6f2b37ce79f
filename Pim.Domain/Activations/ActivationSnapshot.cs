namespace Pim.Domain;

/// <summary>
/// An activation request as it stands at an instant: what the use cases answer, so that no caller needs a clock to tell
/// a request's status (time alone may have moved it past the recorded one).
/// </summary>
public sealed record ActivationSnapshot(ActivationRequest Request, DateTimeOffset At)
{
    public ActivationStatus Status => Request.StatusAt(At);

    /// <summary>The extension waiting for a decision, if any.</summary>
    public PendingExtension? PendingExtension => Request.HasPendingExtensionAt(At) ? Request.Extension : null;
}
