/**
 * Who may see a guest's record on a property (a booking, a tenant application): the guest it belongs
 * to and the property's host. To anyone else it does not exist (callers answer 404, not 403, so ids
 * cannot be probed).
 */
export function isVisibleTo(
  viewerId: string,
  record: { guestId: string },
  property: { hostId: string } | null | undefined,
): boolean {
  return record.guestId === viewerId || property?.hostId === viewerId;
}
