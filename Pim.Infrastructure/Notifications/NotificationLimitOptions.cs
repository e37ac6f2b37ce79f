using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary><c>Pim:Notifications</c>: the bound on fan-out emails per role (see <see cref="NotificationLimits"/>).</summary>
public sealed class NotificationLimitOptions
{
    public int MaxPerRolePerWindow { get; set; } = NotificationLimits.Default.MaxPerRolePerWindow;
    public TimeSpan Window { get; set; } = NotificationLimits.Default.Window;
}
