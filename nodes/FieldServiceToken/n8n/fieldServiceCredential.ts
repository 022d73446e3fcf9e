import type { IExecuteFunctions } from 'n8n-workflow';

export const FIELD_SERVICE_CREDENTIAL_TYPE = 'oracleFieldServiceApi';

/** The `oracleFieldServiceApi` credential as n8n hands it over. */
export interface FieldServiceCredential {
	instanceUrl: string;
	instance: string;
	clientId: string;
	clientSecret: string;
	applicationId: string;
	signingPrivateKey: string;
}

export async function readFieldServiceCredential(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<FieldServiceCredential> {
	const data = await ctx.getCredentials(FIELD_SERVICE_CREDENTIAL_TYPE, itemIndex);
	const text = (name: string) => (typeof data[name] === 'string' ? (data[name] as string).trim() : '');
	return {
		instanceUrl: text('instanceUrl'),
		instance: text('instance'),
		clientId: text('clientId'),
		clientSecret: typeof data.clientSecret === 'string' ? data.clientSecret : '',
		applicationId: text('applicationId'),
		signingPrivateKey: typeof data.signingPrivateKey === 'string' ? data.signingPrivateKey : '',
	};
}
