import {
  ArtifactMetadataConflictError,
  DecoratorUsageError,
  ImageId,
  ImagesByRegion,
  InvalidArgumentError,
  Label,
  Provider,
  ProviderName,
  ProviderRegion,
  SDK_ERROR_CODES,
  SourceImageId,
  compileArtifactMetadata,
  createMemberDecorator,
} from '@imprint/sdk';
import { TestArtifact } from '../fixtures/artifacts';

function defineClass(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected the class definition to throw');
}

describe('decorator misuse is reported when the class is defined', () => {
  it('rejects a symbol-keyed member', () => {
    const key = Symbol('ami');
    const error = defineClass(() => {
      class WithSymbol extends TestArtifact {
        @ImageId() [key] = 'ami-1';
      }
      return WithSymbol;
    });
    expect(error).toBeInstanceOf(DecoratorUsageError);
    expect((error as DecoratorUsageError).code).toBe(SDK_ERROR_CODES.DECORATOR_USAGE);
    expect((error as Error).message).toBe(
      '@ImageId() on WithSymbol.prototype[Symbol(ami)]: symbol-keyed members cannot be named in registry metadata. Use a string-named property or getter.',
    );
  });

  it.each([
    [
      'a method',
      () => {
        class WithMethod extends TestArtifact {
          @ImageId() ami() {
            return 'ami-1';
          }
        }
        return WithMethod;
      },
      '@ImageId() on WithMethod.prototype.ami: methods are not read for registry metadata. Turn it into a getter (get ami() { ... }) or a property.',
    ],
    [
      'a static member',
      () => {
        class WithStatic extends TestArtifact {
          @Label() static os = 'linux';
        }
        return WithStatic;
      },
      '@Label() on WithStatic.os: static members carry no per-artifact value. Move it to an instance property or getter.',
    ],
    [
      'the same decorator twice on one member',
      () => {
        class Twice extends TestArtifact {
          @Label('a') @Label('b') os = 'linux';
        }
        return Twice;
      },
      "@Label('a') on Twice.prototype.os: the member already supplies the image's label. Remove the duplicate decorator.",
    ],
    [
      'two @Provider decorators on one class',
      () => {
        @Provider('a')
        @Provider('b')
        class TwoProviders extends TestArtifact {}
        return TwoProviders;
      },
      "@Provider('a') on TwoProviders: the class already declares a provider. Keep one @Provider decorator.",
    ],
  ])('rejects %s', (_misuse, define, message) => {
    expect((defineClass(define) as Error).message).toBe(message);
  });

  it('rejects a setter without a getter', () => {
    const error = defineClass(() => {
      class WithSetter extends TestArtifact {
        @Label() set os(_value: string) {}
      }
      return WithSetter;
    });
    expect((error as Error).message).toContain(
      'a setter without a getter cannot be read. Decorate the getter instead.',
    );
  });

  it('rejects bad decorator arguments', () => {
    expect(() => Label('')).toThrow(InvalidArgumentError);
    expect(() => Label('')).toThrow('@Label key must be a non-empty string, but got string "".');
    expect(() => Provider('')).toThrow(
      '@Provider name must be a non-empty string, but got string "".',
    );
    expect(() => createMemberDecorator({ role: 'colour' as never, name: '@Colour()' })).toThrow(
      "createMemberDecorator role must be one of 'imageId', 'providerName', 'providerRegion', 'sourceImageId', 'label', 'labels', 'imagesByRegion'",
    );
  });

  it('rejects use as a TC39 standard decorator with a pointer to the tsconfig flag', () => {
    const decorator = ImageId() as unknown as (value: undefined, context: object) => void;
    expect(() => decorator(undefined, { kind: 'field', name: 'ami' })).toThrow(
      'Imprint decorators need "experimentalDecorators": true in tsconfig.json.',
    );
  });
});

describe('conflicts are reported together on first use', () => {
  class Conflicted extends TestArtifact {
    @ImageId() ami = 'a';
    @ImagesByRegion() amis = { r: 'a' };
    @ProviderRegion() region = 'r';
    @SourceImageId() one = 's';
    @SourceImageId() two = 's';
  }

  it('lists every problem in one error', () => {
    let error: unknown;
    try {
      compileArtifactMetadata(Conflicted);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ArtifactMetadataConflictError);
    expect((error as ArtifactMetadataConflictError).problems).toEqual([
      '2 @SourceImageId members: Conflicted.one, Conflicted.two; an image has one sourceImageId, keep one (a subclass may redeclare the same member name)',
      '@ImageId (Conflicted.ami) and @ImagesByRegion (Conflicted.amis) both supply image ids; use @ImagesByRegion alone for multi-region artifacts',
      '@ProviderRegion (Conflicted.region) and @ImagesByRegion (Conflicted.amis) both supply regions; @ImagesByRegion takes the region from its keys',
    ]);
    expect((error as Error).message).toMatch(
      /^Registry metadata declared on Conflicted is inconsistent \(3 problems\):/,
    );
  });

  it.each([
    [
      '@Provider together with @ProviderName',
      () => {
        @Provider('aws')
        class Both extends TestArtifact {
          @ProviderName() cloud = 'gcp';
        }
        return Both;
      },
      "@Provider('aws') on the class and @ProviderName (Both.cloud) both supply the provider; keep one",
    ],
    [
      'label keys that would reach the prototype',
      () => {
        class Polluting extends TestArtifact {
          @Label('__proto__') os = 'x';
        }
        return Polluting;
      },
      "label key '__proto__' on Polluting.os is not allowed",
    ],
  ])('rejects %s', (_conflict, define, message) => {
    expect(() => compileArtifactMetadata(define())).toThrow(message);
  });
});
