import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Team } from "../team/team.entity";
import { Field, ID, ObjectType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { Role } from "../../platform/auth/roles";

@ObjectType({ simpleResolvers: true })
@Entity("app_user")
export class User extends VersionedEntity {
  /** Exposed through UserResolver.email: only admins and the user themselves read it. */
  @Index({ unique: true })
  @Column({ type: "varchar", length: 254 })
  email!: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 120 })
  name!: string;

  /** argon2id; never selected unless asked for. */
  @Column({ type: "varchar", length: 200, select: false })
  passwordHash!: string;

  @Field(() => Role)
  @Column({ type: "enum", enum: Role, enumName: "role" })
  role!: Role;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  teamId!: string | null;

  @ManyToOne(() => Team, { onDelete: "SET NULL" })
  @JoinColumn({ name: "team_id" })
  team?: Team;

  @Field(() => Boolean)
  @Column({ type: "boolean", default: true })
  active!: boolean;
}

/** A credential for integrations; only its SHA-256 is stored. */
@ObjectType()
@Entity("api_token")
export class ApiToken extends VersionedEntity {
  @Field(() => String)
  @Column({ type: "varchar", length: 120 })
  name!: string;

  @Index({ unique: true })
  @Column({ type: "varchar", length: 64, select: false })
  tokenHash!: string;

  @Field(() => String, { description: "First characters of the token, to recognise it in lists." })
  @Column({ type: "varchar", length: 16 })
  prefix!: string;

  @Field(() => Role)
  @Column({ type: "enum", enum: Role, enumName: "role" })
  role!: Role;

  @Field(() => ID)
  @Column({ type: "uuid" })
  createdById!: string;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "created_by_id" })
  createdBy?: User;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  revokedAt!: Date | null;
}
