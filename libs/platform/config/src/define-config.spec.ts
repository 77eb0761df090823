import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { ConfigModule } from './config.module';
import { composeConfig, configSlice, defineConfig, InjectConfig, type ConfigOf } from './define-config';
import { loadConfig } from './load-config';
import { portSchema, servicePorts } from './service-ports';

const web = defineConfig('web', (service) => ({
  PORT: portSchema.default(servicePorts[service].ops),
  BASE_URL: z.url().optional(),
}));
const mail = defineConfig('mail', {
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().default('RentGuy <no-reply@rentguy.test>'),
});

/** true when A and B are the same type (not merely assignable to each other). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe('defineConfig and composeConfig', () => {
  it('infers the type of a definition from its shape, and of a composition from all of them', () => {
    const app = composeConfig('payments', [web, mail]);
    // Checked by `npm run typecheck`: a wrong inferred type does not compile.
    const slice: Equal<ConfigOf<typeof web>, { PORT: number; BASE_URL?: string | undefined }> = true;
    const whole: Equal<
      ConfigOf<typeof app>,
      { PORT: number; BASE_URL?: string | undefined; SMTP_URL: string; MAIL_FROM: string }
    > = true;
    expect([slice, whole]).toEqual([true, true]);
    expect(Object.keys(app.schema.shape)).toEqual(['PORT', 'BASE_URL', 'SMTP_URL', 'MAIL_FROM']);
  });

  it("builds a per-service definition's defaults for the service that composes it", () => {
    const env = { env: {} };
    expect(loadConfig(composeConfig('rentals', [web]), env).PORT).toBe(servicePorts.rentals.ops);
    expect(loadConfig(composeConfig('image-worker', [web]), env).PORT).toBe(servicePorts['image-worker'].ops);
  });

  it('refuses a key declared by two definitions, naming the key and both definitions', () => {
    const alsoMail = defineConfig('notifications', {
      SMTP_URL: z.string(),
      EMAIL_WORKERS: z.coerce.number(),
    });
    expect(() => composeConfig('notifications', [web, mail, alsoMail])).toThrow(
      /notifications[\s\S]*SMTP_URL is declared by both "mail" and "notifications"/,
    );
  });

  it('refuses two definitions of the same name, and accepts one definition listed twice', () => {
    const otherMail = defineConfig('mail', { MAILER: z.string().optional() });
    expect(() => composeConfig('notifications', [mail, otherMail])).toThrow(
      /two definitions are named "mail"/,
    );
    expect(Object.keys(composeConfig('notifications', [mail, web, mail]).schema.shape)).toEqual([
      'SMTP_URL',
      'MAIL_FROM',
      'PORT',
      'BASE_URL',
    ]);
  });

  it('cuts the slice of one definition out of the validated config', () => {
    const app = composeConfig('payments', [web, mail]);
    const config = loadConfig(app, { env: { PORT: '8080' } });
    expect(configSlice(app, mail, config)).toEqual({
      SMTP_URL: 'smtp://127.0.0.1:1025',
      MAIL_FROM: 'RentGuy <no-reply@rentguy.test>',
    });
    expect(configSlice(app, web, config)).toEqual({ PORT: 8080 });
    const stray = defineConfig('stray', { STRAY: z.string() });
    expect(() => configSlice(app, stray, config)).toThrow(
      /"stray" is not composed into the config of payments/,
    );
  });
});

describe('ConfigModule', () => {
  @Injectable()
  class Mailer {
    constructor(@InjectConfig(mail) readonly config: ConfigOf<typeof mail>) {}
  }

  it("provides each definition's slice under its token, for @InjectConfig", async () => {
    const app = composeConfig('notifications', [web, mail]);
    const config = loadConfig(app, {
      env: { MAIL_FROM: 'Ops <ops@rentguy.test>', BASE_URL: 'http://x.test' },
    });
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(app, config)],
      providers: [Mailer],
    }).compile();

    expect(module.get(Mailer).config).toEqual({
      SMTP_URL: 'smtp://127.0.0.1:1025',
      MAIL_FROM: 'Ops <ops@rentguy.test>',
    });
    expect(module.get(web.token)).toEqual({
      PORT: servicePorts.notifications.ops,
      BASE_URL: 'http://x.test',
    });
    await module.close();
  });
});
