import { Injectable } from '@nestjs/common';
import { RecipientRepository } from '@rentguy/notifications/data-access';
import { resolveLocale, type Locale, type SwitchableCategory } from '@rentguy/notifications/domain';
import type { Principal } from '@rentguy/platform/http';
import type { UpdatePreferencesDto } from './notifications.dto';
import { toPreferencesView, type PreferencesView } from './notifications.views';
import { UnsubscribeLinks } from './unsubscribe-links';

export type UnsubscribeOutcome =
  { status: 'valid'; category: SwitchableCategory; locale: Locale } | { status: 'invalid' };

/** Notification preferences: by the user in their account, or by a signed unsubscribe link. */
@Injectable()
export class PreferencesService {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly links: UnsubscribeLinks,
  ) {}

  async get(user: Principal): Promise<PreferencesView> {
    const entry = await this.recipients.findById(user.id);
    return toPreferencesView(entry?.preferences ?? {});
  }

  /**
   * Changes the caller's switchable categories. A user whose registration event has not reached the
   * directory yet is added from their token, and the event completes the entry when it arrives.
   */
  async update(user: Principal, dto: UpdatePreferencesDto): Promise<PreferencesView> {
    const { transactional: _alwaysOn, ...changes } = dto;
    const switched = Object.fromEntries(
      Object.entries(changes).filter((entry): entry is [string, boolean] => typeof entry[1] === 'boolean'),
    );
    const saved = await this.recipients.updatePreferences(user.id, switched, {
      email: user.email,
      name: user.name,
      locale: 'en',
    });
    return toPreferencesView(saved.preferences);
  }

  /** What an unsubscribe link stands for, in the language of its recipient (GET: nothing changes). */
  async inspect(token: string): Promise<UnsubscribeOutcome> {
    const grant = this.links.verify(token);
    const entry = grant ? await this.recipients.findById(grant.recipientId) : null;
    if (!grant || !entry) {
      return { status: 'invalid' };
    }
    return { status: 'valid', category: grant.category, locale: resolveLocale(entry.locale) };
  }

  /** Switches off the link's category (RFC 8058 one-click POST); doing it twice changes nothing. */
  async unsubscribe(token: string): Promise<UnsubscribeOutcome> {
    const outcome = await this.inspect(token);
    const grant = this.links.verify(token);
    if (outcome.status === 'valid' && grant) {
      await this.recipients.setPreference(grant.recipientId, grant.category, false);
    }
    return outcome;
  }
}
