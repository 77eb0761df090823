import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { httpConfig, Public, type PublicJwk } from '@rentguy/platform/http';

/** The public keys access tokens verify with (RFC 7517), for partners and tools outside the cluster. */
@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  private readonly document: { keys: PublicJwk[] };

  constructor(@InjectConfig(httpConfig) http: ConfigOf<typeof httpConfig>) {
    this.document = { keys: [...http.JWT_PUBLIC_KEYS] };
  }

  @Public()
  @Get('jwks.json')
  @ApiOperation({ summary: 'The Ed25519 public keys (by kid) that verify access tokens' })
  @ApiResponse({
    status: 200,
    description: '`{ keys: [{ kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" }] }`',
  })
  jwks(): { keys: PublicJwk[] } {
    return this.document;
  }
}
