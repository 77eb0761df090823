import { isVisibleTo } from './visibility.policy';

describe('isVisibleTo', () => {
  const record = { guestId: 'guest-1' };
  const property = { hostId: 'host-1' };

  it('shows a record to its guest, even without the property', () => {
    expect(isVisibleTo('guest-1', record, null)).toBe(true);
  });

  it("shows a record to the property's host", () => {
    expect(isVisibleTo('host-1', record, property)).toBe(true);
  });

  it('hides it from anyone else, another host included', () => {
    expect(isVisibleTo('guest-2', record, property)).toBe(false);
    expect(isVisibleTo('host-2', record, property)).toBe(false);
    expect(isVisibleTo('host-1', record, null)).toBe(false);
  });
});
