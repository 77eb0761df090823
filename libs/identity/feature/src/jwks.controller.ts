import { Controller, Get } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { ApiDoc, httpConfig, Public, type PublicJwk } from '@rentguy/platform/http';
import { jwksSchema } from './identity-view.schemas';

/** The public keys access tokens verify with (RFC 7517), for partners and tools outside the cluster. */
@Controller('.well-known')
export class JwksController {
  private readonly document: { keys: PublicJwk[] };

  constructor(@InjectConfig(httpConfig) http: ConfigOf<typeof httpConfig>) {
    this.document = { keys: [...http.JWT_PUBLIC_KEYS] };
  }

  @Public()
  @Get('jwks.json')
  @ApiDoc({
    summary: 'The Ed25519 public keys (by kid) that verify access tokens',
    tags: ['auth'],
    responses: { 200: { description: 'the JSON Web Key Set (RFC 7517)', schema: jwksSchema } },
  })
  jwks(): { keys: PublicJwk[] } {
    return this.document;
  }
}
