namespace Pim.Domain;

public static class NewId
{
    /// <summary>Time-ordered ids (UUID v7), so that ordering by id is ordering by creation.</summary>
    public static string Next() => Guid.CreateVersion7().ToString();
}
